//! The webhook against a real server on 127.0.0.1: a milestone posted as
//! `{"text": …}`, a 500 retried, a server that never answers given up on
//! within the bound, a 4xx not retried — and the URL never in a message.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use shipdeck::io::notify::Notifier;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Default)]
struct Hook {
    /// Status per request, in order; afterwards 200.
    script: Vec<u16>,
    bodies: Vec<String>,
    hang: bool,
}

async fn serve(hook: Arc<Mutex<Hook>>) -> String {
    async fn handle(State(h): State<Arc<Mutex<Hook>>>, body: String) -> StatusCode {
        let (hang, status) = {
            let mut h = h.lock().unwrap();
            h.bodies.push(body);
            let n = h.bodies.len() - 1;
            (h.hang, h.script.get(n).copied().unwrap_or(200))
        };
        if hang {
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
        StatusCode::from_u16(status).unwrap()
    }
    let app = Router::new().route("/hooks/T000/SECRET", post(handle)).with_state(hook);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/hooks/T000/SECRET")
}

fn notifier(url: String) -> Notifier {
    let mut n = Notifier::new(url).unwrap();
    n.timeout = Duration::from_millis(300);
    n.backoff = Duration::from_millis(20);
    n
}

#[tokio::test]
async fn a_milestone_is_posted_as_slack_json() {
    let hook = Arc::new(Mutex::new(Hook::default()));
    let n = notifier(serve(hook.clone()).await);
    n.post("AMO push 2026-11-26: prod runs 2026.11.26 on every service (8/8)").await.unwrap();
    let bodies = hook.lock().unwrap().bodies.clone();
    let v: serde_json::Value = serde_json::from_str(&bodies[0]).unwrap();
    assert_eq!(v, serde_json::json!({"text": "AMO push 2026-11-26: prod runs 2026.11.26 on every service (8/8)"}));
}

#[tokio::test]
async fn a_500_is_retried() {
    let hook = Arc::new(Mutex::new(Hook { script: vec![500, 502], ..Default::default() }));
    let n = notifier(serve(hook.clone()).await);
    n.post("push done").await.unwrap();
    assert_eq!(hook.lock().unwrap().bodies.len(), 3, "two failures, then through");
    let hook = Arc::new(Mutex::new(Hook { script: vec![500, 500, 500], ..Default::default() }));
    let url = serve(hook.clone()).await;
    let e = notifier(url).post("push done").await.unwrap_err().to_string();
    assert_eq!(e, "webhook answered HTTP 500, 3 attempts");
    let hook = Arc::new(Mutex::new(Hook { script: vec![404], ..Default::default() }));
    let e = notifier(serve(hook.clone()).await).post("x").await.unwrap_err().to_string();
    assert_eq!((e.as_str(), hook.lock().unwrap().bodies.len()), ("webhook answered HTTP 404", 1), "a 4xx is final");
}

#[tokio::test]
async fn a_hanging_webhook_is_given_up_within_the_bound() {
    let hook = Arc::new(Mutex::new(Hook { hang: true, ..Default::default() }));
    let url = serve(hook).await;
    let started = Instant::now();
    let e = notifier(url).post("x").await.unwrap_err().to_string();
    assert!(e.starts_with("webhook timed out"), "{e}");
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    assert!(!e.contains("SECRET"), "the URL (and its secret) is not in the message: {e}");
    // A dead address: unreachable, and still no URL in the message.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let e = notifier(format!("http://127.0.0.1:{port}/hooks/SECRET")).post("x").await.unwrap_err().to_string();
    assert!(e.contains("unreachable") && !e.contains("SECRET"), "{e}");
    // Nor a password in the URL's userinfo.
    let e = notifier(format!("http://user:PASSWORD@127.0.0.1:{port}/hooks/SECRET"))
        .post("x")
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("unreachable") && !e.contains("SECRET") && !e.contains("PASSWORD"), "{e}");
}
