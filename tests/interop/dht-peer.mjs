// Real js-libp2p Kad-DHT nodes (@libp2p/kad-dht, server mode) driven over stdin/stdout JSON lines by the
// ConnActors DHT interop tests and the side-by-side benchmark. Same protocol as peer.mjs: each input
// line is {"id":n,"cmd":"...",...}, each answer {"id":n,"ok":true,...} or {"id":n,"ok":false,"error":"..."}.
// Several nodes live in this process ("node": index). Addresses are loopback, so the DHT keeps private
// addresses (passthroughMapper) where its default would drop them.
await import('./polyfill.mjs')
const { out, serveCommands } = await import('./command-loop.mjs')

const { createLibp2p } = await import('libp2p')
const { tcp } = await import('@libp2p/tcp')
const { noise } = await import('@chainsafe/libp2p-noise')
const { yamux } = await import('@chainsafe/libp2p-yamux')
const { identify, identifyPush } = await import('@libp2p/identify')
const { ping } = await import('@libp2p/ping')
const { kadDHT, passthroughMapper } = await import('@libp2p/kad-dht')
const { multiaddr } = await import('@multiformats/multiaddr')
const { peerIdFromString } = await import('@libp2p/peer-id')
const { CID } = await import('multiformats/cid')
const Digest = await import('multiformats/hashes/digest')
const { randomBytes, createHash } = await import('node:crypto')
const { appendFileSync } = await import('node:fs')

const RAW = 0x55
const HOLD = '/connactors/bench/hold/1.0.0'
const nodes = []
const held = new Map() // node index -> streams kept open to long-lived peers
const tallies = [] // node index -> connection counters of the benchmark

// The first node's options from the command line: --max-connections=N --client (the benchmark's node).
const firstOptions = {}
for (const arg of process.argv.slice(2)) {
  if (arg.startsWith('--max-connections=')) firstOptions.maxConnections = Number(arg.split('=')[1])
  if (arg === '--client') firstOptions.clientMode = true
  if (arg.startsWith('--ping-timeout-ms=')) firstOptions.pingTimeoutMs = Number(arg.split('=')[1])
  if (arg.startsWith('--dial-timeout-ms=')) firstOptions.dialTimeoutMs = Number(arg.split('=')[1])
}


async function startNode (opts = {}) {
  const index = nodes.length
  const node = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      identifyPush: identifyPush(),
      ping: ping(),
      ...(opts.dht === false ? {} : { dht: kadDHT({ clientMode: opts.clientMode ?? false, peerInfoMapper: passthroughMapper, ...pingTimeouts(opts.pingTimeoutMs) }) })
    },
    connectionGater: { denyDialMultiaddr: async () => false },
    connectionManager: opts.maxConnections != null
      ? { maxConnections: opts.maxConnections, ...dialTimeouts(opts.dialTimeoutMs) }
      : { maxConnections: 20000, inboundConnectionThreshold: 100000, maxIncomingPendingConnections: 20000 }
  })
  // Long-lived "pubsub-like" links of the benchmark: the remote side keeps the stream open.
  await node.handle(HOLD, async (stream) => { try { for await (const _ of stream) { } } catch { } }, { maxInboundStreams: 1024 })
  nodes.push(node)
  tallies.push(track(node))
  return { node: index, peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(a => a.toString()) }
}

// kad-dht pings a new contact before it enters the routing table, and old ones before they are evicted, within an
// adaptive timeout of at least 5 s; on a loaded machine (a large swarm on 2 shared cores) those pings time out and
// routing tables stay empty. pingTimeoutMs raises that floor (the benchmark's swarm; its js node gets ConnActors'
// request timeout).
function pingTimeouts (ms) {
  if (ms == null) return {}
  const timeout = { minTimeout: ms, maxTimeout: Math.max(ms, 60000) }
  return { pingNewContactTimeout: timeout, pingOldContactTimeout: timeout }
}

// js-libp2p gives one address of a dial addressDialTimeout (6 s by default) for the TCP connect and the whole upgrade
// (noise, yamux), and the whole dial dialTimeout (10 s). On a loaded machine a handshake with a busy swarm process takes
// longer than 6 s and every dial fails ("The operation was aborted due to timeout"), where the ConnActors node, with
// libp2p.dial-timeout 10 s for the connect and handshake-timeout 10 s for the upgrade, waits up to 20 s. dialTimeoutMs
// gives both js timeouts the ConnActors node's total (the benchmark's measured js node).
function dialTimeouts (ms) {
  if (ms == null) return {}
  return { dialTimeout: ms, addressDialTimeout: ms }
}

// Connections opened (outbound and inbound), the peak count, and which long-lived peers ever dropped.
function track (node) {
  const t = { opened: 0, outbound: 0, peak: 0, lostHeld: new Set(), held: new Set() }
  node.addEventListener('connection:open', (e) => {
    t.opened++
    if (e.detail.direction === 'outbound') t.outbound++
    t.peak = Math.max(t.peak, node.getConnections().length)
  })
  node.addEventListener('peer:disconnect', (e) => { if (t.held.has(e.detail.toString())) t.lostHeld.add(e.detail.toString()) })
  return t
}

// With DHT_TIMELINE set, the measured node writes each lookup's queries (from its dial to its answer or error) and
// the lookup as JSON lines to <DHT_TIMELINE>.js, as the benchmark's ConnActors node does to <DHT_TIMELINE>.<variant>.
let lookupsWritten = 0
function writeTimeline (queries, ms) {
  if (!process.env.DHT_TIMELINE) return
  const id = ++lookupsWritten
  const lines = [...queries].map(([peer, q]) => JSON.stringify({ q: id, kind: 'closest', peer: peer.slice(-6), sent: q.sent, ended: q.ended ?? null, failure: q.failure ?? null }))
  lines.push(JSON.stringify({ lookup: id, kind: 'closest', ms: Math.round(ms), queried: queries.size }))
  appendFileSync(`${process.env.DHT_TIMELINE}.js`, lines.join('\n') + '\n')
}

function kadKey (bytes) { return createHash('sha256').update(bytes).digest() }

function closer (target, a, b) {
  for (let i = 0; i < 32; i++) { const x = a[i] ^ target[i], y = b[i] ^ target[i]; if (x !== y) return x - y }
  return 0
}

function cidOf (hex) { return CID.createV1(RAW, Digest.decode(Buffer.from(hex, 'hex'))) }

function timeout (ms) { return AbortSignal.timeout(ms ?? 30000) }

// Runs a DHT query and tallies its events: queries sent, responses, errors, dials.
async function run (events, onEvent) {
  const tally = { sent: 0, responses: 0, errors: 0, dials: 0 }
  for await (const e of events) {
    if (e.name === 'SEND_QUERY') tally.sent++
    else if (e.name === 'PEER_RESPONSE') tally.responses++
    else if (e.name === 'QUERY_ERROR') tally.errors++
    else if (e.name === 'DIAL_PEER') tally.dials++
    if (onEvent?.(e) === true) break
  }
  return tally
}

const commands = {
  async start (msg) { const n = []; for (let i = 0; i < (msg.count ?? 1); i++) n.push(await startNode(msg)); return { nodes: n } },
  async dial (msg, node) { const c = await node.dial(multiaddr(msg.addr), { signal: timeout(msg.timeoutMs) }); return { peer: c.remotePeer.toString() } },
  // Each node of [first, first+count) dials the given addresses (a bootstrap), a few dials at a time and
  // answering within the driver's command timeout (nodes not reached are filled by selfLookupMany later).
  async connectMany (msg) {
    let connected = 0; const errors = []; const dialMs = []
    const jobs = []
    for (let i = 0; i < msg.count; i++) for (const addr of msg.addrs) jobs.push([nodes[msg.first + i], addr])
    const deadline = AbortSignal.timeout(45000)
    async function worker () {
      while (jobs.length > 0 && !deadline.aborted) {
        const [node, addr] = jobs.shift()
        const started = performance.now()
        try { await node.dial(multiaddr(addr), { signal: AbortSignal.any([deadline, timeout(msg.timeoutMs ?? 20000)]) }); connected++ } catch (e) { errors.push(`${String(e?.message ?? e)} after ${Math.round(performance.now() - started)} ms`) }
        dialMs.push(Math.round(performance.now() - started))
      }
    }
    await Promise.all(Array.from({ length: msg.concurrency ?? 16 }, worker))
    dialMs.sort((a, b) => a - b)
    return { connected, errors: errors.slice(0, 5), dialMsMedian: dialMs[dialMs.length >> 1] ?? 0, dialMsMax: dialMs[dialMs.length - 1] ?? 0 }
  },
  // Each node of [first, first+count) looks itself up, which fills its routing table (js looks itself up at
  // start, before a bootstrap made by connectMany, and then only every 5 minutes).
  async selfLookupMany (msg) {
    let next = msg.first
    let failed = 0
    const deadline = AbortSignal.timeout(45000) // answers within the driver's command timeout
    async function worker () {
      while (next < msg.first + msg.count && !deadline.aborted) {
        const node = nodes[next++]
        if (msg.below != null && node.services.dht.routingTable.size >= msg.below) continue
        // A node whose bootstrap dials failed (a loaded machine) knows nobody to ask: it dials again first.
        // Already connected, it gets no new identify, so it offers its contacts to its routing table itself (which
        // pings each before it takes it, as for any new contact).
        if (node.services.dht.routingTable.size === 0) {
          for (const addr of msg.addrs ?? []) {
            try {
              const signal = AbortSignal.any([deadline, timeout(20000)])
              const connection = await node.dial(multiaddr(addr), { signal })
              await node.services.dht.routingTable.add(connection.remotePeer, { signal })
            } catch { }
          }
        }
        try { await run(node.services.dht.getClosestPeers(node.peerId.toMultihash().bytes, { signal: AbortSignal.any([deadline, timeout(20000)]) })) } catch { failed++ }
      }
    }
    await Promise.all(Array.from({ length: msg.concurrency ?? 8 }, worker))
    return { failed }
  },
  async routingTableSize (msg, node) { return { size: node.services.dht.routingTable.size } },
  async routingTableSizes (msg) { return { sizes: nodes.slice(msg.first, msg.first + msg.count).map(n => n.services.dht?.routingTable.size ?? 0) } },
  // A provide: the records sent (ADD_PROVIDER answered), and the connections it opened, as closest counts them.
  async provide (msg, node) {
    const tally = tallies[msg.node ?? 0]
    const outboundBefore = tally.outbound
    let reached = 0
    let queried = 0
    const t = await run(node.services.dht.provide(cidOf(msg.key), { signal: timeout(msg.timeoutMs) }), (e) => {
      if (e.name === 'SEND_QUERY' && e.messageName === 'FIND_NODE') queried++
      if (e.name === 'PEER_RESPONSE' && e.messageName === 'ADD_PROVIDER') reached++
      return false
    })
    return { ...t, opened: tally.outbound - outboundBefore, queried, failedQueries: t.errors, peers: reached }
  },
  async findProviders (msg, node) {
    const providers = new Map()
    const started = performance.now()
    const t = await run(node.services.dht.findProviders(cidOf(msg.key), { signal: timeout(msg.timeoutMs) }), (e) => {
      if (e.name === 'PROVIDER') for (const p of e.providers) providers.set(p.id.toString(), p.multiaddrs.map(a => a.toString()))
      return providers.size >= (msg.count ?? 1)
    })
    return { ...t, ms: performance.now() - started, providers: [...providers].map(([peer, addrs]) => ({ peer, addrs })) }
  },
  async findPeer (msg, node) {
    let found = null
    const t = await run(node.services.dht.findPeer(peerIdFromString(msg.peer), { signal: timeout(msg.timeoutMs) }), (e) => {
      if (e.name === 'FINAL_PEER' && e.peer.id.toString() === msg.peer) { found = e.peer.multiaddrs.map(a => a.toString()); return true }
      return false
    })
    return { ...t, addrs: found ?? [] }
  },
  // getClosestPeers with hops counted as ConnActors counts them: a peer queried before anyone named it
  // is hop 1, a peer named in a hop-h answer is hop h+1; the lookup's hops are the closest final peer's.
  async closest (msg, node) {
    const key = msg.key ? Buffer.from(msg.key, 'hex') : randomBytes(34)
    const target = kadKey(key)
    const hops = new Map()
    const final = []
    const tally = tallies[msg.node ?? 0]
    const outboundBefore = tally.outbound
    const started = performance.now()
    const queries = new Map() // peer -> { sent, ended, failure } since the lookup began, for DHT_TIMELINE
    const t = await run(node.services.dht.getClosestPeers(key, { signal: timeout(msg.timeoutMs) }), (e) => {
      const at = Math.round(performance.now() - started)
      if (e.name === 'DIAL_PEER' && !queries.has(e.peer.toString())) queries.set(e.peer.toString(), { sent: at })
      if (e.name === 'SEND_QUERY' && !hops.has(e.to.toString())) hops.set(e.to.toString(), 1)
      if (e.name === 'PEER_RESPONSE') {
        const h = hops.get(e.from.toString()) ?? 1
        for (const p of e.closer) if (!hops.has(p.id.toString())) hops.set(p.id.toString(), h + 1)
        const q = queries.get(e.from.toString()); if (q != null) q.ended = at
      }
      if (e.name === 'QUERY_ERROR') { const q = queries.get(e.from.toString()); if (q != null) { q.ended = at; q.failure = String(e.error?.message ?? e.error) } }
      if (e.name === 'FINAL_PEER') final.push(e.peer.id)
      return false
    })
    final.sort((a, b) => closer(target, kadKey(a.toMultihash().bytes), kadKey(b.toMultihash().bytes)))
    const best = final.length > 0 ? (hops.get(final[0].toString()) ?? 1) : 0
    const ms = performance.now() - started
    writeTimeline(queries, ms)
    return { ...t, ms, peers: final.map(p => p.toString()), hops: best, opened: tally.outbound - outboundBefore, queried: t.sent, failedQueries: t.errors }
  },
  async tally (msg, node) {
    const t = tallies[msg.node ?? 0]
    return { opened: t.opened, outbound: t.outbound, peak: t.peak, connections: node.getConnections().length, lostHeld: [...t.lostHeld] }
  },
  // Keeps a stream open to each address and tags the peer as a mesh peer would be (gossipsub tags mesh peers).
  async hold (msg, node) {
    const streams = held.get(msg.node ?? 0) ?? []
    for (const addr of msg.addrs) {
      const peer = peerIdFromString(addr.split('/p2p/').pop())
      const stream = await node.dialProtocol(multiaddr(addr), HOLD, { signal: timeout(10000) })
      await node.peerStore.merge(peer, { tags: { 'pubsub-mesh': { value: 100 } } })
      tallies[msg.node ?? 0].held.add(peer.toString())
      streams.push(stream)
    }
    held.set(msg.node ?? 0, streams)
    return { held: streams.length }
  },
  async connections (msg, node) { return { peers: node.getConnections().map(c => c.remotePeer.toString()) } },
  async connectionCount (msg, node) { return { count: node.getConnections().length } },
  async exit () { await Promise.all(nodes.map(n => n.stop())); setTimeout(() => process.exit(0), 10); return {} }
}

const first = await startNode(firstOptions)
out({ event: 'ready', ...first })

serveCommands(commands, nodes)
