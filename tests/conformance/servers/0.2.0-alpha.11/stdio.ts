// toolgate (not part of the upstream conformance repository): the reference server's MCP
// server (createMcpServer, every tool, resource and prompt) over stdio, for the conformance
// run's "stdio child" set-up (`toolgate run --listen ... -- node stdio.js`). The upstream file
// only serves streamable HTTP; its stateless 2026-07-28 handling lives in its HTTP handler and
// is therefore not available here.
//
// stdout carries the protocol, and the reference server logs with console.log: send that to
// stderr before its module runs (dynamic imports, because static ones are hoisted).
console.log = console.error.bind(console);
process.env.TOOLGATE_CONFORMANCE_STDIO = '1';
const { createMcpServer } = await import('./everything-server.js');
const { StdioServerTransport } = await import(
  '@modelcontextprotocol/sdk/server/stdio.js'
);
await createMcpServer().connect(new StdioServerTransport());
