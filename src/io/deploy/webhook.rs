//! A webhook hook: one request, its parameters form-encoded for POST or as
//! the query for GET (Jenkins' `buildWithParameters` takes either), one
//! credential in one `Authorization` header (the secret from `auth_env`,
//! else the URL's userinfo as Basic) and nowhere else, no redirect
//! followed, bounded in time and in the body read. The answer is its status
//! and `Location` (where a CI queues the build), and the first lines of its
//! body as output.

use crate::domain::deploy::msg::HookResult;
use crate::domain::deploy::{DeploySpec, Hook, Method};
use crate::domain::kernel::redact;
use crate::io::sanitize::clean_max;
use std::time::Duration;

/// Most of an answer's body read, and lines of it shown.
const BODY_CAP: usize = 16 * 1024;
const BODY_LINES: usize = 20;
/// Most of a refusal's first line kept in its detail.
const REASON_CAP: usize = 200;

pub struct Ask<'a> {
    pub url: &'a str,
    pub method: Method,
    pub params: &'a [(String, String)],
    /// The variable's name, and its value when it is set.
    pub secret: Option<(&'a str, Option<String>)>,
    pub timeout: Duration,
}

/// Why `spec`'s hook cannot run in this process: a webhook whose `auth_env`
/// names a variable that is not usable here. Asked before anything is
/// recorded, so such a deploy is refused rather than journaled as started
/// and then failed.
pub fn credentials_missing(spec: &DeploySpec) -> Option<String> {
    let Hook::Webhook { auth_env: Some(name), .. } = &spec.hook else { return None };
    let why = read_secret(name).err()?;
    Some(format!("deploy.{}: the webhook's token is read from ${name}, which {why} here", spec.env))
}

/// The value of `auth_env`'s variable, or why there is none. An empty one
/// would go out as a blank credential: it counts as missing.
pub fn read_secret(name: &str) -> Result<String, &'static str> {
    match std::env::var(name) {
        Ok(v) if v.is_empty() => Err("is empty"),
        Ok(v) => Ok(v),
        Err(std::env::VarError::NotPresent) => Err("is not set"),
        Err(std::env::VarError::NotUnicode(_)) => Err("is not valid UTF-8"),
    }
}

pub async fn send(ask: Ask<'_>, line: &mut (dyn FnMut(String) + Send)) -> HookResult {
    let fail = |detail: String| HookResult { ok: false, detail };
    let shown = redact::url(ask.url);
    let auth = match ask.secret {
        Some((name, None)) => return fail(format!("webhook: ${name} is not set (auth_env)")),
        Some((_, Some(value))) => Some(value),
        None => None,
    };
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = match reqwest::Client::builder()
        .user_agent(concat!("shipdeck/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(ask.timeout.min(Duration::from_secs(10)))
        .timeout(ask.timeout)
        .build()
    {
        Ok(c) => c,
        Err(e) => return fail(format!("webhook: cannot build the HTTP client: {}", crate::io::http::describe(&e))),
    };
    let Ok(mut url) = url::Url::parse(ask.url) else { return fail(format!("webhook: `{shown}` is not a URL")) };
    // reqwest turns a URL's userinfo into a Basic header of its own: with
    // `auth_env` set, its value is the only credential sent, not a second one.
    if auth.is_some() {
        url = redact::without_userinfo(&url);
    }
    let form = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(ask.params).finish();
    let request = match ask.method {
        Method::Get => {
            if !ask.params.is_empty() {
                url.query_pairs_mut().extend_pairs(ask.params);
            }
            client.get(url)
        }
        Method::Post => {
            client.post(url).header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(form)
        }
    };
    let request = match &auth {
        // `user:token` is Jenkins' API token: Basic. Anything else is a bearer token.
        Some(v) => match v.split_once(':') {
            Some((user, token)) => request.basic_auth(user, Some(token)),
            None => request.bearer_auth(v),
        },
        None => request,
    };
    let resp = match request.send().await {
        Ok(r) => r,
        Err(e) if e.is_timeout() => {
            return fail(format!("webhook {} {shown}: no answer within {}", ask.method.as_str(), secs(ask.timeout)));
        }
        Err(e) => {
            let said = crate::io::http::describe(&e).replace(ask.url, &shown);
            return fail(format!("webhook {} {shown}: {said}", ask.method.as_str()));
        }
    };
    let status = resp.status();
    let location = resp
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(|l| clean_max(&redact::url(l), 300));
    // A server that echoes the request (a debug page, a misconfigured CI)
    // would put the credentials in its answer: they are masked before a line
    // is shown or journaled.
    let url_password = url::Url::parse(ask.url).ok().and_then(|u| u.password().map(str::to_string));
    let token = auth.as_ref().and_then(|v| v.split_once(':').map(|(_, t)| t.to_string()));
    // A Basic credential travels base64-encoded: echoed, it reads that way.
    let basic = auth.as_ref().filter(|v| v.contains(':')).map(|v| crate::io::terminal::base64(v.as_bytes()));
    let secrets: Vec<String> =
        [auth.clone(), token, url_password, basic].into_iter().flatten().filter(|s| s.len() >= 4).collect();
    let mask = |l: String| secrets.iter().fold(l, |l, s| l.replace(s.as_str(), "***"));
    let mut first = None;
    if let Ok(crate::io::http::Body::Complete(body)) = crate::io::http::read_capped(resp, BODY_CAP).await {
        let text = String::from_utf8_lossy(&body);
        let lines = text.lines().map(|l| mask(clean_max(l, super::LINE_CAP))).filter(|l| !l.is_empty());
        for l in lines.take(BODY_LINES) {
            first.get_or_insert_with(|| clean_max(&l, REASON_CAP));
            line(l);
        }
    }
    let reason = status.canonical_reason().map(|r| format!(" {r}")).unwrap_or_default();
    let mut detail = format!("HTTP {}{reason}", status.as_u16());
    if status.is_redirection() {
        detail.push_str(" (not followed)");
    }
    if let Some(l) = location {
        detail.push_str(&format!(" · Location: {l}"));
    }
    // A refusal's reason is usually the body's first line (a CI's "no such
    // tag"): said with the status, so the journal and the log carry it.
    if let Some(reason) = first.filter(|_| !status.is_success()) {
        detail.push_str(&format!(": {reason}"));
    }
    HookResult { ok: status.is_success(), detail }
}

fn secs(d: Duration) -> String {
    crate::config::format_duration(d)
}
