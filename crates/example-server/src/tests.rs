//! In-process tests of the server loop over an in-memory pipe: protocol corners that are
//! cheaper to pin here than by spawning the binary (which `tests/` does for the rest).

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream, Lines};

use super::*;

struct Pipe {
    input: DuplexStream,
    output: Lines<BufReader<DuplexStream>>,
    server: tokio::task::JoinHandle<io::Result<ExitReason>>,
}

impl Pipe {
    fn start(config: ServerConfig) -> Self {
        let (input, server_input) = tokio::io::duplex(1 << 16);
        let (server_output, output) = tokio::io::duplex(1 << 16);
        let server = tokio::spawn(serve(config, server_input, server_output));
        Self {
            input,
            output: BufReader::new(output).lines(),
            server,
        }
    }

    async fn send(&mut self, line: &str) {
        self.input.write_all(line.as_bytes()).await.unwrap();
        self.input.write_all(b"\n").await.unwrap();
    }

    async fn recv(&mut self) -> Value {
        let line = tokio::time::timeout(Duration::from_secs(5), self.output.next_line())
            .await
            .expect("no output within 5s")
            .unwrap()
            .expect("output closed");
        serde_json::from_str(&line).unwrap()
    }
}

#[tokio::test]
async fn negotiates_protocol_version() {
    let mut pipe = Pipe::start(ServerConfig::default());
    pipe.send(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26"}}"#).await;
    assert_eq!(pipe.recv().await["result"]["protocolVersion"], "2025-03-26");
    pipe.send(r#"{"jsonrpc":"2.0","id":2,"method":"initialize","params":{"protocolVersion":"1999-01-01"}}"#).await;
    let answer = pipe.recv().await;
    assert_eq!(
        answer["result"]["protocolVersion"],
        DEFAULT_PROTOCOL_VERSION
    );
    assert_eq!(
        answer["result"]["capabilities"]["tools"]["listChanged"],
        true
    );
    assert_eq!(answer["result"]["serverInfo"]["name"], SERVER_NAME);
}

#[tokio::test]
async fn malformed_input_gets_json_rpc_errors() {
    let mut pipe = Pipe::start(ServerConfig::default());
    pipe.send("{not json").await;
    let answer = pipe.recv().await;
    assert_eq!(answer["error"]["code"], PARSE_ERROR);
    assert_eq!(answer["id"], Value::Null);
    pipe.send("[]").await;
    assert_eq!(pipe.recv().await["error"]["code"], INVALID_REQUEST);
    pipe.send(r#"{"id":3,"method":"ping"}"#).await;
    let answer = pipe.recv().await;
    assert_eq!(
        (answer["id"].clone(), answer["error"]["code"].clone()),
        (json!(3), json!(INVALID_REQUEST))
    );
    pipe.send(r#"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"echo","arguments":[1]}}"#).await;
    assert_eq!(pipe.recv().await["error"]["code"], rpc::INVALID_PARAMS);
}

#[tokio::test]
async fn invalid_cursor_is_rejected() {
    let mut pipe = Pipe::start(ServerConfig {
        page_size: Some(4),
        ..ServerConfig::default()
    });
    pipe.send(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"cursor":"cursor-999"}}"#)
        .await;
    assert_eq!(pipe.recv().await["error"]["code"], rpc::INVALID_PARAMS);
}

#[tokio::test]
async fn cancelled_call_is_never_answered() {
    let mut pipe = Pipe::start(ServerConfig::default());
    pipe.send(r#"{"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"slow","arguments":{"ms":300}}}"#).await;
    pipe.send(r#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"a"}}"#)
        .await;
    pipe.send(r#"{"jsonrpc":"2.0","id":"b","method":"ping"}"#)
        .await;
    assert_eq!(pipe.recv().await["id"], "b");
    let next = tokio::time::timeout(Duration::from_millis(500), pipe.output.next_line()).await;
    assert!(next.is_err(), "cancelled call answered: {next:?}");
}

#[tokio::test]
async fn exit_after_answers_the_last_call_then_stops() {
    let mut pipe = Pipe::start(ServerConfig {
        exit_after: Some(1),
        ..ServerConfig::default()
    });
    pipe.send(r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"bye"}}}"#).await;
    assert_eq!(pipe.recv().await["result"]["content"][0]["text"], "bye");
    let reason = pipe.server.await.unwrap().unwrap();
    assert_eq!(reason, ExitReason::ExitAfter);
    assert_eq!(pipe.output.next_line().await.unwrap(), None);
}

#[tokio::test]
async fn eof_waits_for_in_flight_calls() {
    let mut pipe = Pipe::start(ServerConfig::default());
    pipe.send(r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"slow","arguments":{"ms":50}}}"#).await;
    pipe.input.shutdown().await.unwrap();
    assert_eq!(pipe.recv().await["id"], 1);
    assert_eq!(pipe.server.await.unwrap().unwrap(), ExitReason::InputClosed);
}

#[tokio::test]
async fn mid_call_request_fails_cleanly_when_input_closes() {
    let mut pipe = Pipe::start(ServerConfig::default());
    pipe.send(r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_roots"}}"#)
        .await;
    assert_eq!(pipe.recv().await["method"], "roots/list");
    pipe.input.shutdown().await.unwrap();
    let answer = pipe.recv().await;
    assert_eq!(answer["result"]["isError"], true, "{answer}");
}
