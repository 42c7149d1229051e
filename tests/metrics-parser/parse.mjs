// Reads a Prometheus text exposition on stdin and prints the parsed metric families as JSON.
// A text the parser rejects exits with 1 and the parser's message on stderr.
import parsePrometheusTextFormat from 'parse-prometheus-text-format'

let text = ''
process.stdin.setEncoding('utf8')
for await (const chunk of process.stdin) text += chunk
try {
  process.stdout.write(JSON.stringify(parsePrometheusTextFormat(text)))
} catch (e) {
  process.stderr.write(`not valid Prometheus text: ${e.message}\n`)
  process.exit(1)
}
