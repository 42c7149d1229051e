// Reproduces, small, why the DHT benchmark's js node connected to none of its bootstrap servers on a loaded machine:
// a js-libp2p DHT server in its own process is stopped (SIGSTOP) for --stall-ms, as a swarm process whose event loop
// does not run for that long, and a js-libp2p node dials it meanwhile, once with js-libp2p's default dial timeouts and
// once with the benchmark's (dialTimeout = addressDialTimeout = 20 s, the ConnActors node's dial-timeout 10 s +
// handshake-timeout 10 s). Prints one JSON line per dial: connected or the error, and after how long.
// Usage: node dial-stall.mjs [--stall-ms=8000]
await import('./polyfill.mjs')
const { spawn } = await import('node:child_process')
const readline = await import('node:readline')
const { createLibp2p } = await import('libp2p')
const { tcp } = await import('@libp2p/tcp')
const { noise } = await import('@chainsafe/libp2p-noise')
const { yamux } = await import('@chainsafe/libp2p-yamux')
const { multiaddr } = await import('@multiformats/multiaddr')

const stallMs = Number(process.argv.find(a => a.startsWith('--stall-ms='))?.split('=')[1] ?? 8000)

async function startServer () {
  const child = spawn(process.execPath, [new URL('./dht-peer.mjs', import.meta.url).pathname], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = readline.createInterface({ input: child.stdout })
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server not ready within 30 s')), 30000)
    lines.on('line', (line) => { const m = JSON.parse(line); if (m.event === 'ready') { clearTimeout(timer); resolve(m) } })
  })
  return { child, addr: ready.addrs[0] }
}

async function dialWhileStalled (name, connectionManager) {
  const server = await startServer()
  const node = await createLibp2p({ transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()], connectionManager, connectionGater: { denyDialMultiaddr: async () => false } })
  const started = performance.now()
  server.child.kill('SIGSTOP')
  const resume = setTimeout(() => server.child.kill('SIGCONT'), stallMs)
  let result
  try {
    await node.dial(multiaddr(server.addr), { signal: AbortSignal.timeout(30000) })
    result = { connected: true }
  } catch (e) {
    result = { connected: false, error: String(e?.message ?? e) }
  }
  clearTimeout(resume)
  server.child.kill('SIGCONT')
  console.log(JSON.stringify({ timeouts: name, stallMs, ...result, afterMs: Math.round(performance.now() - started) }))
  await node.stop()
  server.child.stdin.end()
  server.child.kill()
}

await dialWhileStalled('js-libp2p defaults (dialTimeout 10 s, addressDialTimeout 6 s)', {})
await dialWhileStalled('benchmark (dialTimeout = addressDialTimeout = 20 s)', { dialTimeout: 20000, addressDialTimeout: 20000 })
process.exit(0)
