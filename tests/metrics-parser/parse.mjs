// Reads a Prometheus text exposition on stdin and prints the parsed metric families as JSON.
// A text the parser rejects exits with 1 and the parser's message on stderr.
import parsePrometheusTextFormat from 'parse-prometheus-text-format'

// The parser reads a histogram only when its _bucket lines come before its _sum and _count lines; prometheus-net
// writes _sum and _count first (both orders are valid text format). So the lines of each histogram family are put
// in the parser's order; nothing else changes.
function bucketsFirst (text) {
  const out = []
  let histogram = null
  let held = []
  const flush = () => { out.push(...held.filter(l => l.startsWith(`${histogram}_bucket`)), ...held.filter(l => !l.startsWith(`${histogram}_bucket`))); held = [] }
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line)
    if (type || line.startsWith('# HELP')) {
      if (histogram) { flush(); histogram = null }
      if (type && type[2] === 'histogram') histogram = type[1]
      out.push(line)
    } else if (histogram && line.startsWith(histogram)) {
      held.push(line)
    } else {
      if (histogram) { flush(); histogram = null }
      out.push(line)
    }
  }
  if (histogram) flush()
  return out.join('\n')
}

let text = ''
process.stdin.setEncoding('utf8')
for await (const chunk of process.stdin) text += chunk
try {
  process.stdout.write(JSON.stringify(parsePrometheusTextFormat(bucketsFirst(text))))
} catch (e) {
  process.stderr.write(`not valid Prometheus text: ${e.message}\n`)
  process.exit(1)
}
