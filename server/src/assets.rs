//! The client's static files under `/pkg`: the WASM module, its JavaScript glue and the
//! stylesheet.
//!
//! `cargo leptos build --release --precompress` (with `hash-files = true` in Cargo.toml)
//! names each file after its content (`proficio.<md5 as 22 base64url characters>.wasm`) and
//! writes `.br` and `.gz` beside it once, at build time. This serves the compressed twin a
//! browser accepts, and marks a content-named file `immutable` for a year: a returning
//! visitor downloads nothing until a build changes the file, and then the page names the
//! new one. Anything else (a debug build's plain names) must be revalidated each time.

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use std::path::Path;
use tower_http::services::ServeDir;

/// How long a browser keeps a content-named file: a year, without asking again.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Anything else: keep it, but ask the server (304 if unchanged) before each use.
const REVALIDATE: &str = "no-cache";

/// The router serving `site_root/pkg_dir` at `/{pkg_dir}`.
pub fn routes<S: Clone + Send + Sync + 'static>(site_root: &str, pkg_dir: &str) -> Router<S> {
    let files = ServeDir::new(Path::new(site_root).join(pkg_dir))
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false);
    Router::new()
        .nest_service(&format!("/{pkg_dir}"), files)
        .layer(axum::middleware::from_fn(cache_control))
}

/// Marks a served file immutable or to be revalidated, by its name.
async fn cache_control(req: Request, next: Next) -> Response {
    let immutable = content_named(req.uri().path());
    let mut res = next.run(req).await;
    if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED {
        let value = if immutable { IMMUTABLE } else { REVALIDATE };
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    res
}

/// Whether a file name carries its content's hash as cargo-leptos writes it: one
/// dot-separated part of exactly 22 base64url characters (an MD5 digest), such as
/// `proficio.hJ3k…Q.wasm`.
pub fn content_named(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let mut parts = name.split('.');
    parts.next();
    parts.any(|part| {
        part.len() == 22
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

#[cfg(test)]
mod tests {
    use super::{content_named, routes};
    use axum::body::Body;
    use axum::http::{header, Request, StatusCode};
    use tower::ServiceExt;

    const WASM: &str = "proficio.hJ3kq_Zx0-aB9cDeFgHiJk.wasm";

    /// A site folder as `cargo leptos build --release --precompress` leaves it.
    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        let pkg = dir.path().join("pkg");
        std::fs::create_dir_all(pkg.join("snippets")).expect("pkg");
        std::fs::write(pkg.join(WASM), b"\0asm raw").expect("wasm");
        std::fs::write(pkg.join(format!("{WASM}.br")), b"brotli bytes").expect("br");
        std::fs::write(pkg.join(format!("{WASM}.gz")), b"gzip bytes").expect("gz");
        std::fs::write(pkg.join("snippets/inline0.js"), b"export {}").expect("snippet");
        dir
    }

    async fn get(dir: &tempfile::TempDir, path: &str, accept: &str) -> axum::response::Response {
        let router = routes::<()>(dir.path().to_str().expect("utf-8 path"), "pkg");
        let req = Request::get(path)
            .header(header::ACCEPT_ENCODING, accept)
            .body(Body::empty())
            .expect("request");
        router.oneshot(req).await.expect("infallible")
    }

    fn header_of(res: &axum::response::Response, name: header::HeaderName) -> &str {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    #[tokio::test]
    async fn content_named_files_are_sent_precompressed_and_cached_for_good() {
        let dir = site();
        let res = get(&dir, &format!("/pkg/{WASM}"), "gzip, deflate, br").await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(header_of(&res, header::CONTENT_ENCODING), "br");
        assert_eq!(
            header_of(&res, header::CACHE_CONTROL),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(header_of(&res, header::CONTENT_TYPE), "application/wasm");
        let res = get(&dir, &format!("/pkg/{WASM}"), "gzip").await;
        assert_eq!(header_of(&res, header::CONTENT_ENCODING), "gzip");
        let res = get(&dir, &format!("/pkg/{WASM}"), "identity").await;
        assert_eq!(header_of(&res, header::CONTENT_ENCODING), "");
    }

    #[tokio::test]
    async fn other_files_are_revalidated_and_missing_ones_are_not_cached() {
        let dir = site();
        let res = get(&dir, "/pkg/snippets/inline0.js", "br").await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(header_of(&res, header::CACHE_CONTROL), "no-cache");
        let res = get(&dir, "/pkg/proficio.AAAAAAAAAAAAAAAAAAAAAA.wasm", "br").await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        assert_eq!(header_of(&res, header::CACHE_CONTROL), "");
    }

    #[test]
    fn only_content_named_files_are_immutable() {
        assert!(content_named("/pkg/proficio.hJ3kq_Zx0-aB9cDeFgHiJk.wasm"));
        assert!(content_named("/pkg/proficio.hJ3kq_Zx0-aB9cDeFgHiJk.js"));
        assert!(!content_named("/pkg/proficio.wasm"));
        assert!(!content_named("/pkg/proficio_bg.wasm"));
        assert!(!content_named("/pkg/snippets/leptos-abc/inline0.js"));
        // 22 characters as the stem alone is a name, not a hash beside one.
        assert!(!content_named("/pkg/hJ3kq_Zx0-aB9cDeFgHiJk"));
        assert!(!content_named("/pkg/proficio.hJ3kq_Zx0-aB9cDeFgHi!k.css"));
    }
}
