// A small SVG line chart: series of numbers sampled once a second, newest on the right, scaled to their maximum.
const NS = 'http://www.w3.org/2000/svg'
const COLORS = ['#4fa3e0', '#5cc98a', '#e0c35f', '#e06b5f', '#b48ee0', '#e08ec9']

export function drawChart (svg, series, capacity) {
  const width = svg.clientWidth || 400
  const height = svg.clientHeight || 70
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`)
  svg.replaceChildren()
  const max = Math.max(1, ...series.flatMap(s => s.values))
  const x = i => width - (capacity - 1 - i) * (width / (capacity - 1))
  const y = v => height - 4 - (v / max) * (height - 16)
  series.forEach((s, n) => {
    const offset = capacity - s.values.length
    const line = document.createElementNS(NS, 'polyline')
    line.setAttribute('points', s.values.map((v, i) => `${x(i + offset).toFixed(1)},${y(v).toFixed(1)}`).join(' '))
    line.setAttribute('stroke', COLORS[n % COLORS.length])
    svg.append(line)
    const label = document.createElementNS(NS, 'text')
    label.setAttribute('x', 4 + n * 90)
    label.setAttribute('y', 11)
    label.setAttribute('fill', COLORS[n % COLORS.length])
    label.textContent = `${s.name} ${s.values.at(-1) ?? 0}`
    svg.append(label)
  })
  const top = document.createElementNS(NS, 'text')
  top.setAttribute('x', width - 4)
  top.setAttribute('y', 11)
  top.setAttribute('text-anchor', 'end')
  top.textContent = `max ${max}`
  svg.append(top)
}
