//! The JWKS fetched over HTTP from a small axum server on 127.0.0.1 (loopback only): caching,
//! `Cache-Control`, the unknown-`kid` refetch limit, stale keys while the issuer is down, and
//! failing closed when nothing was ever fetched. Time is a [`ManualMonotonic`]; hits are counted.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::StatusCode;
use jsonwebtoken::Algorithm;
use tokio::task::JoinHandle;

use super::super::jwks::{
    DEFAULT_MAX_AGE, MIN_MAX_AGE, RETRY_AFTER_FAILURE, UNKNOWN_KID_REFETCH_INTERVAL, cache_max_age,
    url_may_serve_keys,
};
use super::*;

#[derive(Default)]
struct Served {
    hits: AtomicUsize,
    body: Mutex<String>,
    cache_control: Mutex<Option<String>>,
    status: Mutex<Option<StatusCode>>,
}

struct JwksServer {
    url: reqwest::Url,
    served: Arc<Served>,
    task: JoinHandle<()>,
}

impl JwksServer {
    async fn start(body: String) -> JwksServer {
        let served = Arc::new(Served::default());
        *served.body.lock().expect("lock") = body;
        async fn jwks(State(served): State<Arc<Served>>) -> Response {
            served.hits.fetch_add(1, Ordering::SeqCst);
            let status = served
                .status
                .lock()
                .expect("lock")
                .unwrap_or(StatusCode::OK);
            let body = served.body.lock().expect("lock").clone();
            let mut response = (status, body).into_response();
            if let Some(cc) = served.cache_control.lock().expect("lock").clone() {
                response.headers_mut().insert(
                    http::header::CACHE_CONTROL,
                    HeaderValue::from_str(&cc).expect("header"),
                );
            }
            response
        }
        let app = Router::new()
            .route("/jwks", get(jwks))
            .route("/other/jwks", get(jwks))
            .with_state(served.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("addr");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        JwksServer {
            url: reqwest::Url::parse(&format!("http://{addr}/jwks")).expect("url"),
            served,
            task,
        }
    }

    fn hits(&self) -> usize {
        self.served.hits.load(Ordering::SeqCst)
    }

    fn serve(&self, body: String) {
        *self.served.body.lock().expect("lock") = body;
    }

    fn cache_control(&self, value: &str) {
        *self.served.cache_control.lock().expect("lock") = Some(value.to_owned());
    }

    /// Stops listening: new connections are refused.
    async fn stop(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}

/// A client that opens a new connection for every request, so a stopped server is really
/// unreachable (no pooled keep-alive connection outlives it).
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("client")
}

fn settings_for(url: &reqwest::Url) -> AuthSettings {
    AuthSettings {
        api_keys: ApiKeyTable::default(),
        jwt: Some(JwtSettings::new(
            ISS,
            vec![AUD.to_owned()],
            JwksSource::Url(url.clone()),
        )),
        resource_metadata_url: None,
    }
}

fn authenticator(url: &reqwest::Url) -> (Authenticator, Arc<ManualMonotonic>) {
    let clock = Arc::new(ManualMonotonic::new());
    let auth = Authenticator::with_clock(settings_for(url), client(), clock.clone());
    (auth, clock)
}

async fn check(auth: &Authenticator, token: &str) -> Result<Caller, AuthError> {
    auth.authenticate(Some(&bearer(token))).await
}

fn rsa_only() -> String {
    jwks_doc(&[jwk(&rsa_key(), Algorithm::RS256, Some("rsa-1"))])
}

fn ec_token() -> String {
    sign(&ec_key(), Algorithm::ES256, Some("ec-1"), &claims())
}

#[tokio::test]
async fn keys_are_fetched_once_and_cached_for_max_age() {
    let server = JwksServer::start(standard_jwks()).await;
    let (auth, clock) = authenticator(&server.url);
    for _ in 0..10 {
        check(&auth, &rs256(&claims())).await.expect("valid");
    }
    assert_eq!(server.hits(), 1);
    clock.advance(DEFAULT_MAX_AGE - Duration::from_secs(1));
    check(&auth, &ec_token()).await.expect("valid");
    assert_eq!(server.hits(), 1, "still fresh");
    clock.advance(Duration::from_secs(2));
    check(&auth, &ec_token()).await.expect("valid");
    assert_eq!(server.hits(), 2, "refetched after the default 10 minutes");
}

#[tokio::test]
async fn cache_control_max_age_is_honoured_within_bounds() {
    let server = JwksServer::start(standard_jwks()).await;
    server.cache_control("public, max-age=120");
    let (auth, clock) = authenticator(&server.url);
    check(&auth, &rs256(&claims())).await.expect("valid");
    clock.advance(Duration::from_secs(121));
    check(&auth, &rs256(&claims())).await.expect("valid");
    assert_eq!(server.hits(), 2, "max-age=120 honoured");

    // max-age=5 is raised to the 60 s floor.
    server.cache_control("max-age=5");
    clock.advance(Duration::from_secs(121));
    check(&auth, &rs256(&claims())).await.expect("valid");
    assert_eq!(server.hits(), 3);
    clock.advance(Duration::from_secs(10));
    check(&auth, &rs256(&claims())).await.expect("valid");
    assert_eq!(server.hits(), 3, "not before the floor");
    clock.advance(MIN_MAX_AGE);
    check(&auth, &rs256(&claims())).await.expect("valid");
    assert_eq!(server.hits(), 4);
}

#[test]
fn cache_max_age_parsing_and_clamping() {
    let headers = |v: &str| {
        let mut h = http::HeaderMap::new();
        h.insert(
            http::header::CACHE_CONTROL,
            HeaderValue::from_str(v).expect("value"),
        );
        h
    };
    assert_eq!(cache_max_age(&http::HeaderMap::new()), DEFAULT_MAX_AGE);
    assert_eq!(
        cache_max_age(&headers("max-age=300")),
        Duration::from_secs(300)
    );
    assert_eq!(
        cache_max_age(&headers("no-transform, MAX-AGE=\"900\"")),
        Duration::from_secs(900)
    );
    assert_eq!(cache_max_age(&headers("max-age=0")), MIN_MAX_AGE);
    assert_eq!(
        cache_max_age(&headers("max-age=31536000")),
        Duration::from_secs(86_400)
    );
    assert_eq!(cache_max_age(&headers("max-age=soon")), DEFAULT_MAX_AGE);
}

#[tokio::test]
async fn unknown_kids_refetch_at_most_once_per_30_seconds() {
    let server = JwksServer::start(rsa_only()).await;
    let (auth, clock) = authenticator(&server.url);
    check(&auth, &rs256(&claims())).await.expect("valid");
    assert_eq!(server.hits(), 1);

    // The issuer rotates in a new key, but we fetched a moment ago: no refetch yet.
    server.serve(standard_jwks());
    assert!(matches!(
        check(&auth, &ec_token()).await,
        Err(AuthError::UnknownKeyId { .. })
    ));
    // A flood of random kids costs nothing upstream.
    for i in 0..50 {
        let token = sign(
            &rsa_key(),
            Algorithm::RS256,
            Some(&format!("random-{i}")),
            &claims(),
        );
        assert!(matches!(
            check(&auth, &token).await,
            Err(AuthError::UnknownKeyId { .. })
        ));
    }
    assert_eq!(server.hits(), 1);

    // 30 s later an unknown kid may refetch, and the rotated key is found.
    clock.advance(UNKNOWN_KID_REFETCH_INTERVAL);
    check(&auth, &ec_token())
        .await
        .expect("rotated key after refetch");
    assert_eq!(server.hits(), 2);
    for i in 0..20 {
        let token = sign(
            &rsa_key(),
            Algorithm::RS256,
            Some(&format!("again-{i}")),
            &claims(),
        );
        assert!(check(&auth, &token).await.is_err());
    }
    assert_eq!(server.hits(), 2, "flood right after a refetch");

    clock.advance(UNKNOWN_KID_REFETCH_INTERVAL + Duration::from_secs(1));
    for i in 0..20 {
        let token = sign(
            &rsa_key(),
            Algorithm::RS256,
            Some(&format!("later-{i}")),
            &claims(),
        );
        assert!(check(&auth, &token).await.is_err());
    }
    assert_eq!(server.hits(), 3, "one refetch per window");
}

#[tokio::test]
async fn stale_keys_keep_serving_while_the_issuer_is_down() {
    let server = JwksServer::start(standard_jwks()).await;
    server.cache_control("max-age=60");
    let url = server.url.clone();
    let (auth, clock) = authenticator(&url);
    check(&auth, &rs256(&claims())).await.expect("valid");
    server.stop().await;

    clock.advance(Duration::from_secs(61));
    check(&auth, &rs256(&claims()))
        .await
        .expect("stale key set still serves");
    // The failed refresh is not retried on every request...
    check(&auth, &ec_token()).await.expect("stale");
    // ...and an unknown kid is an unknown kid, not an outage.
    let token = sign(&rsa_key(), Algorithm::RS256, Some("rsa-2"), &claims());
    assert!(matches!(
        check(&auth, &token).await,
        Err(AuthError::UnknownKeyId { .. })
    ));
    clock.advance(RETRY_AFTER_FAILURE + Duration::from_secs(3600));
    check(&auth, &rs256(&claims()))
        .await
        .expect("still stale, still serving");
}

#[tokio::test]
async fn an_unreachable_jwks_with_nothing_cached_is_503() {
    // A port nobody listens on: bind, note it, close.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let url = reqwest::Url::parse(&format!("http://{addr}/jwks")).expect("url");
    let (auth, clock) = authenticator(&url);
    let err = check(&auth, &rs256(&claims())).await.expect_err("no keys");
    assert!(matches!(err, AuthError::JwksUnavailable { .. }), "{err:?}");
    assert_eq!(err.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        !err.to_string().contains(&addr.port().to_string()),
        "no URL in the error: {err}"
    );
    // Within the retry pause the answer comes from memory.
    let again = check(&auth, &rs256(&claims()))
        .await
        .expect_err("still none");
    assert_eq!(again, err);
    clock.advance(RETRY_AFTER_FAILURE);
    assert!(matches!(
        auth.warm_up().await,
        Err(AuthError::JwksUnavailable { .. })
    ));
}

#[tokio::test]
async fn error_answers_and_oversize_bodies_are_refused() {
    let server = JwksServer::start(standard_jwks()).await;
    *server.served.status.lock().expect("lock") = Some(StatusCode::INTERNAL_SERVER_ERROR);
    let (auth, clock) = authenticator(&server.url);
    let err = check(&auth, &rs256(&claims())).await.expect_err("500");
    assert!(
        matches!(&err, AuthError::JwksUnavailable { reason } if reason.contains("500")),
        "{err:?}"
    );

    *server.served.status.lock().expect("lock") = None;
    server.serve(format!(
        "{{\"keys\": [], \"pad\": \"{}\"}}",
        "x".repeat(1024 * 1024)
    ));
    clock.advance(RETRY_AFTER_FAILURE);
    let err = check(&auth, &rs256(&claims())).await.expect_err("too big");
    assert!(
        matches!(&err, AuthError::JwksUnavailable { reason } if reason.contains("1 MiB")),
        "{err:?}"
    );

    server.serve(standard_jwks());
    clock.advance(RETRY_AFTER_FAILURE);
    check(&auth, &rs256(&claims())).await.expect("recovers");
}

#[tokio::test]
async fn reload_keeps_the_jwks_cache_only_when_the_source_is_unchanged() {
    let server = JwksServer::start(standard_jwks()).await;
    let (auth, _clock) = authenticator(&server.url);
    check(&auth, &rs256(&claims())).await.expect("valid");
    assert_eq!(server.hits(), 1);

    let mut same = settings_for(&server.url);
    same.api_keys = ApiKeyTable::new([(Arc::from("k"), vec![], hash_api_key("tg_k"))]);
    auth.replace_settings(same);
    check(&auth, &rs256(&claims())).await.expect("valid");
    assert_eq!(server.hits(), 1, "same source: cache kept");

    let other = server.url.join("/other/jwks").expect("url");
    auth.replace_settings(settings_for(&other));
    check(&auth, &rs256(&claims())).await.expect("valid");
    assert_eq!(server.hits(), 2, "new source: fetched anew");
}

#[test]
fn plain_http_keys_only_from_loopback() {
    let ok = |u: &str| url_may_serve_keys(&reqwest::Url::parse(u).expect("url"));
    assert!(ok("https://idp.example/jwks"));
    assert!(ok("http://127.0.0.1:8080/jwks"));
    assert!(ok("http://127.1.2.3/jwks"));
    assert!(ok("http://[::1]:8080/jwks"));
    assert!(ok("http://localhost/jwks"));
    assert!(!ok("http://idp.example/jwks"));
    assert!(!ok("http://10.0.0.1/jwks"));
    assert!(!ok("http://localhost.evil.example/jwks"));
    assert!(!ok("ftp://127.0.0.1/jwks"));
    assert!(!ok("file:///etc/jwks.json"));
}
