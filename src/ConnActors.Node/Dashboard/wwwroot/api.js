// The node's management API as the page uses it. The token lives only in this tab's sessionStorage: it arrives
// in the URL fragment (#token=..., which browsers never send to a server; `connctl dashboard` prints such a link)
// or is pasted by the operator, and it is only ever sent in Authorization headers to this same origin.
const TOKEN_KEY = 'connactors-api-token'

export function adoptTokenFromFragment () {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash)
  if (!match) return
  setToken(decodeURIComponent(match[1]))
  history.replaceState(null, '', location.pathname + location.search)
}

export function token () { return sessionStorage.getItem(TOKEN_KEY) }

export function setToken (value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value.trim())
  else sessionStorage.removeItem(TOKEN_KEY)
}

function headers (extra = {}) {
  const t = token()
  return t ? { ...extra, Authorization: `Bearer ${t}` } : extra
}

async function answer (response) {
  const text = await response.text()
  let body = null
  try { body = text ? JSON.parse(text) : null } catch { body = { error: text } }
  if (!response.ok) {
    const error = new Error(body?.error ?? `${response.status} ${response.statusText}`)
    error.status = response.status
    throw error
  }
  return body
}

export async function get (path) {
  return answer(await fetch(path, { headers: headers(), cache: 'no-store' }))
}

// Changes are JSON with the token, as the API requires.
export async function send (method, path, body = {}) {
  return answer(await fetch(path, { method, headers: headers({ 'Content-Type': 'application/json' }), body: JSON.stringify(body) }))
}

// A server-sent event stream read with fetch (EventSource cannot send the Authorization header an API bound
// off loopback requires). Calls onEvent(type, data) per event; reconnects after a pause when the stream ends.
export function follow (path, onEvent, onState) {
  let stopped = false
  async function run () {
    while (!stopped) {
      try {
        const response = await fetch(path, { headers: headers({ Accept: 'text/event-stream' }), cache: 'no-store' })
        if (!response.ok) throw new Error(`${response.status}`)
        onState(true)
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
        let buffer = ''
        for (;;) {
          const { value, done } = await reader.read()
          if (done) break
          buffer += value
          let end
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end)
            buffer = buffer.slice(end + 2)
            let type = 'message'
            const data = []
            for (const line of block.split('\n')) {
              if (line.startsWith('event:')) type = line.slice(6).trim()
              else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''))
            }
            if (data.length) onEvent(type, JSON.parse(data.join('\n')))
          }
        }
      } catch { /* the node is away: shown by onState, retried below */ }
      onState(false)
      await new Promise(resolve => setTimeout(resolve, 2000))
    }
  }
  run()
  return () => { stopped = true }
}
