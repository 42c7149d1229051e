import { adoptTokenFromFragment, token, setToken, get, send, follow } from './api.js'
import { drawChart } from './chart.js'

const HISTORY = 300 // samples (one a second): five minutes
const $ = id => document.getElementById(id)

const state = {
  status: null,
  sort: { key: 'score', descending: true },
  history: { inbound: [], outbound: [], refusals: [], trims: [] },
  lastTotals: null
}

adoptTokenFromFragment()
showTokenState()
wireForms()
wireSorting()
follow('/api/status/stream', (type, data) => { if (type === 'status') onStatus(data) }, live => setLive(live))
follow('/api/events', (type, data) => { if (type !== 'ready') onEvent(type, data) }, () => {})
probeCluster()

function setLive (live) {
  const badge = $('live')
  badge.textContent = live ? 'live' : 'disconnected'
  badge.className = `badge ${live ? 'on' : 'off'}`
}

function onStatus (status) {
  state.status = status
  const c = status.counts
  $('peer-id').textContent = status.peerId
  $('listen').textContent = status.listenAddresses.join('  ')
  $('connections').textContent = c.connections
  $('inbound').textContent = c.inbound
  $('outbound').textContent = c.outbound
  $('pending').textContent = c.pendingInbound + c.pendingOutbound
  $('limits').textContent = `low water ${c.lowWater} · high water ${c.highWater} · hard cap ${c.hardCap} · outbound reserve ${c.outboundReserve} · friend reserve ${c.friendReserve}`
  const percent = v => `${Math.min(100, (100 * v) / c.hardCap)}%`
  $('meter-fill').style.width = percent(c.connections)
  $('meter-fill').classList.toggle('over', c.connections >= c.highWater)
  $('mark-low').style.left = percent(c.lowWater)
  $('mark-high').style.left = percent(c.highWater)
  renderSubsystems(status)
  renderPeers()
  renderFriends(status.peers.filter(p => p.isFriend))
  sample(status)
}

function renderSubsystems (status) {
  const rows = status.quotas.map(q => {
    const held = status.peers.filter(p => p.subsystems.includes(q.name))
    return [q.name, sum(held, 'inbound'), sum(held, 'outbound'), `${q.used} / ${q.reserved} / ${q.maximum}`]
  })
  const unassigned = status.peers.filter(p => p.subsystems.length === 0)
  rows.push(['unassigned', sum(unassigned, 'inbound'), sum(unassigned, 'outbound'), ''])
  $('subsystems').replaceChildren(...rows.map(cells => row(cells)))
}

function sum (peers, key) { return peers.reduce((total, p) => total + p[key], 0) }

function row (cells, className) {
  const tr = document.createElement('tr')
  cells.forEach((cell, i) => {
    const td = document.createElement('td')
    if (cell instanceof Node) td.append(cell)
    else td.textContent = cell
    if (className && i === 0) td.className = className
    tr.append(td)
  })
  return tr
}

function marks (peer) {
  const span = document.createElement('span')
  for (const [flag, name] of [['isFriend', 'friend'], ['isProtected', 'protected'], ['isClosing', 'closing']]) {
    if (!peer[flag]) continue
    const mark = document.createElement('span')
    mark.className = `mark-${name}`
    mark.textContent = `${name} `
    span.append(mark)
  }
  return span
}

function markText (peer) { return `${peer.isFriend ? 'friend ' : ''}${peer.isProtected ? 'protected ' : ''}${peer.isClosing ? 'closing' : ''}` }

function renderPeers () {
  const peers = [...(state.status?.peers ?? [])]
  const { key, descending } = state.sort
  const value = p => key === 'marks' ? markText(p) : key === 'subsystems' ? p.subsystems.join(',') : p[key]
  peers.sort((a, b) => {
    const [x, y] = [value(a), value(b)]
    const order = typeof x === 'number' ? x - y : (String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0)
    return descending ? -order : order
  })
  $('peer-count').textContent = `${peers.length}`
  $('peers').replaceChildren(...peers.map(p => {
    const tr = row([p.peerId, p.inbound, p.outbound, p.score, p.subsystems.join(', '), marks(p), p.penalty], 'peer')
    tr.dataset.peer = p.peerId
    return tr
  }))
}

function wireSorting () {
  for (const th of document.querySelectorAll('#peer-table th')) {
    th.addEventListener('click', () => {
      const key = th.dataset.key
      state.sort = { key, descending: state.sort.key === key ? !state.sort.descending : key !== 'peerId' }
      for (const other of document.querySelectorAll('#peer-table th')) other.classList.remove('sorted', 'asc', 'desc')
      th.classList.add('sorted', state.sort.descending ? 'desc' : 'asc')
      renderPeers()
    })
  }
}

function renderFriends (friends) {
  // Re-drawn only when something changed, so that a button is not replaced under the pointer.
  const key = JSON.stringify(friends.map(f => [f.peerId, f.inbound + f.outbound > 0]))
  if (key === state.friendsKey) return
  state.friendsKey = key
  $('friends').replaceChildren(...friends.map(f => {
    const li = document.createElement('li')
    li.dataset.peer = f.peerId
    const text = document.createElement('span')
    text.textContent = `${f.peerId} · ${f.inbound + f.outbound > 0 ? 'connected' : 'not connected'}`
    const remove = document.createElement('button')
    remove.className = 'remove'
    remove.textContent = 'remove'
    remove.addEventListener('click', () => act(() => send('DELETE', `/api/friends/${encodeURIComponent(f.peerId)}`)))
    li.append(text, remove)
    return li
  }))
}

function wireForms () {
  $('friend-form').addEventListener('submit', e => {
    e.preventDefault()
    const address = $('friend-input').value.trim()
    act(async () => {
      const added = await send('POST', '/api/friends', { address })
      $('friend-input').value = ''
      return added
    })
  })
  $('token-form').addEventListener('submit', e => {
    e.preventDefault()
    setToken($('token-input').value)
    $('token-input').value = ''
    showTokenState()
  })
  $('token-forget').addEventListener('click', () => { setToken(null); showTokenState() })
}

function showTokenState () {
  const has = Boolean(token())
  $('token-form').hidden = has
  $('token-state').hidden = !has
}

async function act (action) {
  const result = $('action-result')
  if (!token()) {
    result.className = 'error'
    result.textContent = 'changes need the API token: paste it above, or open the link `connctl dashboard` prints'
    return
  }
  try {
    const answer = await action()
    result.className = 'ok'
    result.textContent = answer?.result ?? 'done'
  } catch (e) {
    result.className = 'error'
    result.textContent = e.status === 401 ? `the node refused the token: ${e.message}` : e.message
  }
}

function sample (status) {
  const totals = {
    refusals: Object.values(status.refusalsByReason).reduce((a, b) => a + b, 0),
    trims: Object.values(status.trimsByReason).reduce((a, b) => a + b, 0)
  }
  const last = state.lastTotals ?? totals
  const h = state.history
  push(h.inbound, status.counts.inbound)
  push(h.outbound, status.counts.outbound)
  push(h.refusals, Math.max(0, totals.refusals - last.refusals))
  push(h.trims, Math.max(0, totals.trims - last.trims))
  state.lastTotals = totals
  $('refused-total').textContent = `(${totals.refusals} since start: ${describe(status.refusalsByReason)})`
  $('trimmed-total').textContent = `(${totals.trims} since start: ${describe(status.trimsByReason)})`
  drawChart($('chart-connections'), [{ name: 'in', values: h.inbound }, { name: 'out', values: h.outbound }], HISTORY)
  drawChart($('chart-refusals'), [{ name: 'refused/s', values: h.refusals }], HISTORY)
  drawChart($('chart-trims'), [{ name: 'trimmed/s', values: h.trims }], HISTORY)
}

function describe (byReason) {
  const entries = Object.entries(byReason)
  return entries.length ? entries.map(([reason, n]) => `${reason} ${n}`).join(', ') : 'none'
}

function push (values, value) {
  values.push(value)
  if (values.length > HISTORY) values.shift()
}

function onEvent (type, e) {
  const li = document.createElement('li')
  li.dataset.type = type
  const time = new Date(e.at).toLocaleTimeString()
  li.textContent = type === 'share'
    ? `${time} share: hard cap now ${e.hardCap}`
    : `${time} ${type} ${e.reason ?? e.direction ?? ''} ${e.peerId ?? ''} ${e.remoteAddress ?? ''}`
  const list = $('events')
  list.prepend(li)
  while (list.children.length > 100) list.lastChild.remove()
}

// The cluster panel appears when the node answers /api/cluster (a clustered node): its members as this node sees
// them, and each site's budget with the members' shares. Refreshed every 5 s; hidden again on a 404.
async function probeCluster () {
  try {
    const cluster = await get('/api/cluster')
    const members = cluster.members.map(m => {
      const tr = row([
        m.address === cluster.self ? `${m.address} (this node)` : m.address,
        m.status, m.roles.join(', '), m.site, m.hardCap, m.connections, m.reachable ? 'yes' : 'no'
      ])
      tr.dataset.address = m.address
      if (!m.reachable) tr.className = 'unreachable'
      return tr
    })
    $('cluster-members').replaceChildren(...members)
    $('cluster-sites').replaceChildren(...cluster.sites.map(site => {
      const li = document.createElement('li')
      li.dataset.site = site.name
      const shares = Object.entries(site.allocations)
      const allocated = shares.reduce((sum, [, cap]) => sum + cap, 0)
      li.textContent = `site ${site.name}: budget ${site.budget}, allocated ${allocated} (${shares.map(([a, cap]) => `${a} ${cap}`).join(', ')})`
      return li
    }))
    $('cluster-panel').hidden = false
    setTimeout(probeCluster, 5000)
  } catch (e) {
    $('cluster-panel').hidden = true
    if (e.status !== 404) setTimeout(probeCluster, 5000)
  }
}
