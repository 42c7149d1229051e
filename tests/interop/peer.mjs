// A real js-libp2p peer driven over stdin/stdout JSON lines by the ConnActors.Libp2p interop tests.
// Each input line is {"id":n,"cmd":"...",...}; each answer is {"id":n,"ok":true,...} or {"id":n,"ok":false,"error":"..."}.
// Unsolicited lines carry "event". Several libp2p nodes may live in this process ("node": index).
await import('./polyfill.mjs')
const { out, serveCommands } = await import('./command-loop.mjs')

const { createLibp2p } = await import('libp2p')
const { tcp } = await import('@libp2p/tcp')
const { noise } = await import('@chainsafe/libp2p-noise')
const { yamux } = await import('@chainsafe/libp2p-yamux')
const { identify, identifyPush } = await import('@libp2p/identify')
const { ping } = await import('@libp2p/ping')
const { multiaddr } = await import('@multiformats/multiaddr')
const { peerIdFromString } = await import('@libp2p/peer-id')
const { randomBytes, createHash } = await import('node:crypto')

const ECHO = '/echo/1.0.0'
const nodes = []

const OPEN_CONNECTION_MANAGER = { maxConnections: 20000, inboundConnectionThreshold: 100000, maxIncomingPendingConnections: 20000 }

async function startNode (connectionManager = OPEN_CONNECTION_MANAGER) {
  const node = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), identifyPush: identifyPush(), ping: ping() },
    connectionGater: { denyDialMultiaddr: async () => false },
    connectionManager
  })
  await node.handle(ECHO, async (stream) => {
    try {
      for await (const chunk of stream) {
        if (!stream.send(chunk)) await stream.onDrain()
      }
      await stream.close()
    } catch (e) { stream.abort(e) }
  }, { maxInboundStreams: 1024, maxOutboundStreams: 1024 })
  nodes.push(node)
  return describe(node, nodes.length - 1)
}

function describe (node, index) {
  return { node: index, peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(a => a.toString()) }
}

async function sendAll (stream, data) {
  const chunk = 64 * 1024
  for (let i = 0; i < data.length; i += chunk) {
    if (!stream.send(data.subarray(i, Math.min(i + chunk, data.length)))) await stream.onDrain()
  }
}

async function readAll (stream) {
  const parts = []
  let total = 0
  for await (const c of stream) {
    const bytes = c.subarray()
    parts.push(bytes)
    total += bytes.length
  }
  return Buffer.concat(parts, total)
}

async function echoOnce (node, addr, size) {
  const stream = await node.dialProtocol(multiaddr(addr), ECHO, { maxOutboundStreams: 1024 })
  const data = randomBytes(size)
  const reading = readAll(stream)
  await sendAll(stream, data)
  await stream.close()
  const back = await reading
  if (!back.equals(data)) throw new Error(`echo of ${size} bytes came back as ${back.length} different bytes`)
  return back.length
}

async function peerInfo (node, peer) {
  const id = peerIdFromString(peer)
  for (let i = 0; i < 100; i++) {
    try {
      const p = await node.peerStore.get(id)
      if (p.protocols.length > 0) {
        const agent = p.metadata.get('AgentVersion')
        return {
          protocols: p.protocols,
          addrs: p.addresses.map(a => a.multiaddr.toString()),
          agent: agent ? new TextDecoder().decode(agent) : null
        }
      }
    } catch {}
    await new Promise(r => setTimeout(r, 100))
  }
  throw new Error('peer never identified')
}

// Storm support: lightweight dialing nodes (no listener) and bulk dials; startCapped is a listener with a connection cap.
async function startDialer () {
  const node = await createLibp2p({
    addresses: { listen: [] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), ping: ping() },
    connectionGater: { denyDialMultiaddr: async () => false }
  })
  nodes.push(node)
  return nodes.length - 1
}

async function dialMany (msg) {
  const targets = Array.from({ length: msg.count }, (_, i) => nodes[msg.first + i])
  let next = 0
  let succeeded = 0
  const errors = {}
  async function worker () {
    while (next < targets.length) {
      const node = targets[next++]
      try { await node.dial(multiaddr(msg.addr), { signal: AbortSignal.timeout(msg.timeoutMs ?? 10000) }); succeeded++ } catch (e) {
        const key = String(e?.name ?? 'Error')
        errors[key] = (errors[key] ?? 0) + 1
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(msg.concurrency ?? 100, targets.length) }, worker))
  return { succeeded, failed: targets.length - succeeded, errors }
}

// js-libp2p gives a dial 6 s per address and an inbound upgrade 10 s; a test that makes one process handshake many
// connections at once on a loaded machine gives both sides the same, longer allowance.
function upgradeTimeouts (ms) {
  return { dialTimeout: ms, addressDialTimeout: ms, inboundUpgradeTimeout: ms }
}

const commands = {
  async start (msg) {
    const manager = msg.timeoutMs == null ? OPEN_CONNECTION_MANAGER : { ...OPEN_CONNECTION_MANAGER, ...upgradeTimeouts(msg.timeoutMs) }
    const n = []
    for (let i = 0; i < (msg.count ?? 1); i++) n.push(await startNode(manager))
    return { nodes: n }
  },
  async dial (msg, node) { const c = await node.dial(multiaddr(msg.addr)); return { peer: c.remotePeer.toString(), remoteAddr: c.remoteAddr.toString() } },
  async ping (msg, node) { return { rtt: await node.services.ping.ping(multiaddr(msg.addr)) } },
  async peerInfo (msg, node) { return await peerInfo(node, msg.peer) },
  async echo (msg, node) {
    const sizes = await Promise.all(Array.from({ length: msg.streams ?? 1 }, () => echoOnce(node, msg.addr, msg.size ?? 1024)))
    return { bytes: sizes.reduce((a, b) => a + b, 0) }
  },
  async reset (msg, node) {
    const stream = await node.dialProtocol(multiaddr(msg.addr), msg.protocol)
    stream.send(randomBytes(msg.size ?? 1000))
    await new Promise(r => setTimeout(r, 50))
    stream.abort(new Error('reset by the js peer'))
    return {}
  },
  async sendThenClose (msg, node) {
    const stream = await node.dialProtocol(multiaddr(msg.addr), msg.protocol)
    const data = randomBytes(msg.size ?? 1000)
    await sendAll(stream, data)
    await stream.close()
    return { sha256: createHash('sha256').update(data).digest('hex') }
  },
  async handle (msg, node) { await node.handle(msg.protocol, async (s) => { await s.close() }); return {} },
  async hangup (msg, node) { await node.hangUp(peerIdFromString(msg.peer)); return {} },
  async connections (msg, node) { return { peers: node.getConnections().map(c => c.remotePeer.toString()) } },
  async connectionCount (msg, node) { return { count: node.getConnections().length } },
  async startDialers (msg) { const first = nodes.length; for (let i = 0; i < msg.count; i++) await startDialer(); return { first, count: msg.count } },
  async startCapped (msg) { return await startNode({ maxConnections: msg.maxConnections, maxIncomingPendingConnections: 64 }) },
  async dialMany (msg) { return await dialMany(msg) },
  async connectionCountMany (msg) {
    let count = 0
    for (let i = 0; i < msg.count; i++) count += nodes[msg.first + i].getConnections().length
    return { count }
  },
  async gc () { if (globalThis.gc) globalThis.gc(); return { collected: Boolean(globalThis.gc) } },
  async exit () { await Promise.all(nodes.map(n => n.stop())); setTimeout(() => process.exit(0), 10); return {} }
}

const first = await startNode()
out({ event: 'ready', ...first })

serveCommands(commands, nodes)
