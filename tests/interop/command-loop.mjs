// The JSON-lines protocol the C# tests drive a peer script with: one command per stdin line
// ({ id, cmd, node?, ...args }), one reply per command on stdout ({ id, ok, ...result } or { id, ok: false, error }).
import readline from 'node:readline'

export function out (obj) { process.stdout.write(JSON.stringify(obj) + '\n') }

export function serveCommands (commands, nodes) {
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
}
