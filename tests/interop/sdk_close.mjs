// The official TypeScript SDK's stdio client ending a session the way it does in every app
// built on it: `client.close()`, which closes the server's stdin, waits 2 s, sends SIGTERM,
// waits 2 s more, then SIGKILL. Used by crates/cli/tests/lifecycle.rs.
//
//   node sdk_close.mjs COMMAND [ARG…]
//
// Starts COMMAND (toolgate in front of server-everything) with this process's environment,
// calls `echo` and `toggle-simulated-logging`, closes, and prints one JSON line: the echo text, the child's pid, how it exited
// ({code, signal}) and how long after close() began, and whether the SDK had to SIGKILL it.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node sdk_close.mjs COMMAND [ARG...]');
  process.exit(2);
}
const transport = new StdioClientTransport({ command, args, env: { ...process.env }, stderr: 'inherit' });
const client = new Client({ name: 'toolgate-sdk-close', version: '1.0.0' });
await client.connect(transport);
const result = await client.callTool({ name: 'echo', arguments: { message: 'hello' } });
const echo = result.content?.[0]?.text ?? null;
// Like many real servers, server-everything keeps running after its stdin closes while it
// has work scheduled: here a log message every 5 s.
const toggled = await client.callTool({ name: 'toggle-simulated-logging', arguments: {} });
const logging = toggled.content?.[0]?.text ?? null;

// The SDK keeps the child private; watch it to report how it ended.
const child = transport._process;
const pid = child?.pid ?? null;
const started = Date.now();
let exit = null;
child?.once('exit', (code, signal) => {
  exit = { code, signal, after_ms: Date.now() - started };
});
await client.close();
const closeMs = Date.now() - started;
// close() returns right after SIGKILL without waiting for it to land.
for (let i = 0; i < 50 && exit === null; i++) await new Promise(r => setTimeout(r, 20));
console.log(JSON.stringify({ echo, logging, pid, close_ms: closeMs, exit }));
