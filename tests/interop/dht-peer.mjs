// Real js-libp2p Kad-DHT nodes (@libp2p/kad-dht, server mode) driven over stdin/stdout JSON lines by the
// ConnActors DHT interop tests and the side-by-side benchmark. Same protocol as peer.mjs: each input
// line is {"id":n,"cmd":"...",...}, each answer {"id":n,"ok":true,...} or {"id":n,"ok":false,"error":"..."}.
// Several nodes live in this process ("node": index). Addresses are loopback, so the DHT keeps private
// addresses (passthroughMapper) where its default would drop them.
await import('./polyfill.mjs')

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
const { randomBytes } = await import('node:crypto')
const readline = await import('node:readline')

const RAW = 0x55
const HOLD = '/connactors/bench/hold/1.0.0'
const nodes = []
const held = new Map() // node index -> streams kept open to long-lived peers

function out (obj) { process.stdout.write(JSON.stringify(obj) + '\n') }

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
      ...(opts.dht === false ? {} : { dht: kadDHT({ clientMode: opts.clientMode ?? false, peerInfoMapper: passthroughMapper }) })
    },
    connectionGater: { denyDialMultiaddr: async () => false },
    connectionManager: opts.maxConnections != null
      ? { maxConnections: opts.maxConnections }
      : { maxConnections: 20000, inboundConnectionThreshold: 100000, maxIncomingPendingConnections: 20000 }
  })
  // Long-lived "pubsub-like" links of the benchmark: the remote side keeps the stream open.
  await node.handle(HOLD, async (stream) => { try { for await (const _ of stream) { } } catch { } }, { maxInboundStreams: 1024 })
  nodes.push(node)
  return { node: index, peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(a => a.toString()) }
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
  // Each node of [first, first+count) dials the given addresses (a bootstrap).
  async connectMany (msg) {
    let connected = 0; const errors = []
    await Promise.all(Array.from({ length: msg.count }, async (_, i) => {
      for (const addr of msg.addrs) {
        try { await nodes[msg.first + i].dial(multiaddr(addr), { signal: timeout(10000) }); connected++ } catch (e) { errors.push(String(e?.message ?? e)) }
      }
    }))
    return { connected, errors: errors.slice(0, 5) }
  },
  async routingTableSize (msg, node) { return { size: node.services.dht.routingTable.size } },
  async routingTableSizes (msg) { return { sizes: nodes.slice(msg.first, msg.first + msg.count).map(n => n.services.dht?.routingTable.size ?? 0) } },
  async provide (msg, node) { const t = await run(node.services.dht.provide(cidOf(msg.key), { signal: timeout(msg.timeoutMs) })); return t },
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
  async closest (msg, node) {
    const key = msg.key ? Buffer.from(msg.key, 'hex') : randomBytes(34)
    const peers = []
    const started = performance.now()
    const t = await run(node.services.dht.getClosestPeers(key, { signal: timeout(msg.timeoutMs) }), (e) => {
      if (e.name === 'FINAL_PEER') peers.push(e.peer.id.toString())
      return false
    })
    return { ...t, ms: performance.now() - started, peers }
  },
  // Keeps a stream open to each address and tags the peer as a mesh peer would be (gossipsub tags mesh peers).
  async hold (msg, node) {
    const streams = held.get(msg.node ?? 0) ?? []
    for (const addr of msg.addrs) {
      const stream = await node.dialProtocol(multiaddr(addr), HOLD, { signal: timeout(10000) })
      await node.peerStore.merge(stream.remotePeer ?? peerIdFromString(multiaddr(addr).getPeerId()), { tags: { 'pubsub-mesh': { value: 100 } } })
      streams.push(stream)
    }
    held.set(msg.node ?? 0, streams)
    return { held: streams.length }
  },
  async connections (msg, node) { return { peers: node.getConnections().map(c => c.remotePeer.toString()) } },
  async connectionCount (msg, node) { return { count: node.getConnections().length } },
  async exit () { await Promise.all(nodes.map(n => n.stop())); setTimeout(() => process.exit(0), 10); return {} }
}

const first = await startNode()
out({ event: 'ready', ...first })

const rl = readline.createInterface({ input: process.stdin })
rl.on('line', async (line) => {
  let msg
  try { msg = JSON.parse(line) } catch { return out({ event: 'error', error: 'bad json: ' + line }) }
  try {
    const fn = commands[msg.cmd]
    if (!fn) throw new Error('unknown command ' + msg.cmd)
    const result = await fn(msg, nodes[msg.node ?? 0])
    out({ id: msg.id, ok: true, ...result })
  } catch (e) {
    out({ id: msg.id, ok: false, error: String(e?.message ?? e) })
  }
})
rl.on('close', () => { Promise.all(nodes.map(n => n.stop())).finally(() => process.exit(0)) })
