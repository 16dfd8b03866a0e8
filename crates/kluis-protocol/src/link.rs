//! [`Link`]: where a transfer is, without any secret.
//!
//! Two shapes:
//!
//! - `file:///abs/path/to/store/<transfer-id>`: a transfer in a local
//!   folder store (kluis-transfer's `DirectoryTransport`).
//!   The path is percent-encoded (RFC 8089, RFC 3986); on Windows it reads
//!   `file:///C:/Users/…/store/<transfer-id>`.
//! - `https://host[:port][/prefix]/t/<transfer-id>`: a transfer on a Kluis
//!   drop server (docs/SERVER.md; `http` only for loopback hosts).
//!
//! A link never carries a secret, and parsing enforces it: a query
//! (`?…`), a fragment (`#…`) or user information (`user:pass@`) is
//! refused, so nothing can ride along with the id.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::ids::{IdError, TransferId};

/// Why a text is not a transfer link.
///
/// ```
/// use kluis_protocol::{Link, LinkError};
/// assert_eq!(Link::parse("ftp://example.org/t/x").unwrap_err(), LinkError::UnsupportedScheme("ftp".into()));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LinkError {
    /// Not `file`, `https`, or `http` to a loopback host.
    #[error("unsupported link scheme {0:?} (expected file or https)")]
    UnsupportedScheme(String),
    /// Plain `http` to a host other than `localhost`, `127.0.0.1` or `[::1]`.
    #[error("refusing an http link to {0:?}: use https")]
    Insecure(String),
    /// The link has a query or a fragment; a transfer link carries nothing but the id.
    #[error("a transfer link has no query (?) or fragment (#)")]
    QueryOrFragment,
    /// The link has user information (`user@host`); a transfer link carries no credentials.
    #[error("a transfer link has no user name or password before the host")]
    Credentials,
    /// A `file` link to another host.
    #[error("a file link must name this computer (no host, or localhost), not {0:?}")]
    RemoteFile(String),
    /// The path is not absolute, has `.`/`..` segments or empty segments.
    #[error("the link's path must be absolute, without . or .. or empty segments")]
    BadPath,
    /// Invalid percent-encoding, an encoded `/` or NUL, or a path that is not UTF-8.
    #[error("the link's path is not validly percent-encoded UTF-8")]
    Encoding,
    /// A server link whose path does not end in `/t/<transfer-id>`.
    #[error("a server link ends in /t/<transfer-id>")]
    NotATransfer,
    /// The last path segment is not a transfer id.
    #[error("invalid transfer id in link: {0}")]
    TransferId(#[from] IdError),
}

/// Names a transfer and where it is stored. Carries no secret: the
/// password is never part of a link (nor of the mail that carries it).
///
/// ```
/// use kluis_protocol::{Link, TransferId};
/// let id = TransferId::from_bytes([0; 16]);
/// let link = Link::parse("https://kluis.example.org/t/aaaaaaaaaaaaaaaaaaaaaaaaaa")?;
/// assert_eq!(link.transfer(), id);
/// assert!(matches!(&link, Link::Server { base, .. } if base == "https://kluis.example.org"));
/// assert_eq!(link.to_string(), "https://kluis.example.org/t/aaaaaaaaaaaaaaaaaaaaaaaaaa");
/// assert!(Link::parse("https://kluis.example.org/t/aaaaaaaaaaaaaaaaaaaaaaaaaa#key=secret").is_err());
/// # Ok::<(), kluis_protocol::LinkError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link {
    /// A transfer in a local folder store.
    Directory {
        /// The store's folder (absolute).
        store: PathBuf,
        /// The transfer.
        transfer: TransferId,
    },
    /// A transfer on a Kluis drop server (docs/SERVER.md).
    Server {
        /// Scheme, host, port and path prefix, without a trailing `/`,
        /// e.g. `https://kluis.example.org/share`.
        base: String,
        /// The transfer.
        transfer: TransferId,
    },
}

impl Link {
    /// The link to `transfer` in the folder store at `store`, which must be
    /// an absolute path in UTF-8.
    ///
    /// ```
    /// use kluis_protocol::{Link, TransferId};
    /// # #[cfg(unix)] {
    /// let link = Link::directory("/srv/kluis store", TransferId::from_bytes([0; 16]))?;
    /// assert_eq!(link.to_string(), "file:///srv/kluis%20store/aaaaaaaaaaaaaaaaaaaaaaaaaa");
    /// assert_eq!(Link::parse(&link.to_string())?, link);
    /// # }
    /// # Ok::<(), kluis_protocol::LinkError>(())
    /// ```
    pub fn directory(store: impl AsRef<Path>, transfer: TransferId) -> Result<Link, LinkError> {
        let store = store.as_ref();
        if !store.is_absolute() {
            return Err(LinkError::BadPath);
        }
        store.to_str().ok_or(LinkError::Encoding)?;
        // It must survive a round trip (no `.` or `..` segments).
        let link = Link::Directory { store: store.to_path_buf(), transfer };
        if Link::parse(&link.to_string())? != link {
            return Err(LinkError::BadPath);
        }
        Ok(link)
    }

    /// The link to `transfer` on the server at `base` (scheme, host and
    /// optional path prefix).
    ///
    /// ```
    /// use kluis_protocol::{Link, TransferId};
    /// let link = Link::server("https://example.org/kluis/", TransferId::from_bytes([0; 16]))?;
    /// assert_eq!(link.to_string(), "https://example.org/kluis/t/aaaaaaaaaaaaaaaaaaaaaaaaaa");
    /// # Ok::<(), kluis_protocol::LinkError>(())
    /// ```
    pub fn server(base: &str, transfer: TransferId) -> Result<Link, LinkError> {
        let text = format!("{}/t/{transfer}", base.trim_end_matches('/'));
        Link::parse(&text)
    }

    /// The transfer the link names.
    pub fn transfer(&self) -> TransferId {
        match self {
            Link::Directory { transfer, .. } | Link::Server { transfer, .. } => *transfer,
        }
    }

    /// Parses a link, strictly (surrounding white space is ignored).
    ///
    /// ```
    /// use kluis_protocol::{Link, LinkError};
    /// assert_eq!(Link::parse("file://server/share/aaaaaaaaaaaaaaaaaaaaaaaaaa").unwrap_err(), LinkError::RemoteFile("server".into()));
    /// assert_eq!(Link::parse("https://example.org/t/aaaaaaaaaaaaaaaaaaaaaaaaaa?pw=x").unwrap_err(), LinkError::QueryOrFragment);
    /// ```
    pub fn parse(text: &str) -> Result<Link, LinkError> {
        let text = text.trim();
        let (scheme, rest) = text.split_once("://").ok_or_else(|| LinkError::UnsupportedScheme(String::new()))?;
        let scheme = scheme.to_ascii_lowercase();
        if text.contains(['?', '#']) {
            return Err(LinkError::QueryOrFragment);
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        if authority.contains('@') {
            return Err(LinkError::Credentials);
        }
        match scheme.as_str() {
            "file" => parse_file(authority, path),
            "https" | "http" => parse_server(&scheme, authority, path),
            _ => Err(LinkError::UnsupportedScheme(scheme)),
        }
    }
}

fn parse_file(authority: &str, path: &str) -> Result<Link, LinkError> {
    if !authority.is_empty() && !authority.eq_ignore_ascii_case("localhost") {
        return Err(LinkError::RemoteFile(authority.to_owned()));
    }
    let segments = path_segments(path)?;
    let (last, dirs) = segments.split_last().ok_or(LinkError::BadPath)?;
    let transfer = TransferId::parse(last)?;
    let mut store = String::new();
    for dir in dirs {
        store.push('/');
        store.push_str(dir);
    }
    if store.is_empty() {
        store.push('/');
    }
    let store = native_path(store);
    if !store.is_absolute() {
        return Err(LinkError::BadPath);
    }
    Ok(Link::Directory { store, transfer })
}

/// `/C:/x` is `C:/x` on Windows; elsewhere the path is used as is.
fn native_path(path: String) -> PathBuf {
    #[cfg(windows)]
    {
        let b = path.as_bytes();
        if b.len() >= 3 && b[0] == b'/' && b[1].is_ascii_alphabetic() && b[2] == b':' {
            return PathBuf::from(&path[1..]);
        }
    }
    PathBuf::from(path)
}

fn is_loopback(host: &str) -> bool {
    let name = match host.rsplit_once(':') {
        // Strip a port, but not the colons of a bracketed IPv6 address.
        Some((name, port)) if !port.contains(']') => name,
        _ => host,
    };
    name.eq_ignore_ascii_case("localhost") || name == "127.0.0.1" || name == "[::1]"
}

fn parse_server(scheme: &str, authority: &str, path: &str) -> Result<Link, LinkError> {
    if authority.is_empty() || !authority.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.:[]_".contains(&b)) {
        return Err(LinkError::NotATransfer);
    }
    if scheme == "http" && !is_loopback(authority) {
        return Err(LinkError::Insecure(authority.to_owned()));
    }
    let segments = path_segments(path)?;
    let [prefix @ .., t, id] = segments.as_slice() else { return Err(LinkError::NotATransfer) };
    if t != "t" {
        return Err(LinkError::NotATransfer);
    }
    let transfer = TransferId::parse(id)?;
    let mut base = format!("{scheme}://{}", authority.to_ascii_lowercase());
    for segment in prefix {
        base.push('/');
        base.push_str(&encode_segment(segment));
    }
    Ok(Link::Server { base, transfer })
}

/// Splits an absolute path into decoded segments, refusing empty, `.` and
/// `..` segments and encoded `/` or NUL.
fn path_segments(path: &str) -> Result<Vec<String>, LinkError> {
    let Some(path) = path.strip_prefix('/') else { return Err(LinkError::BadPath) };
    path.split('/')
        .map(|raw| {
            let segment = percent_decode(raw)?;
            // A backslash is a separator on Windows: it would hide `..` and
            // make the printed link name another folder.
            if segment.is_empty() || segment == "." || segment == ".." || segment.contains('\\') {
                return Err(LinkError::BadPath);
            }
            Ok(segment)
        })
        .collect()
}

fn percent_decode(raw: &str) -> Result<String, LinkError> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3).ok_or(LinkError::Encoding)?;
            let hex = std::str::from_utf8(hex).map_err(|_| LinkError::Encoding)?;
            if !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
                return Err(LinkError::Encoding);
            }
            let v = u8::from_str_radix(hex, 16).map_err(|_| LinkError::Encoding)?;
            if v == b'/' || v == 0 {
                return Err(LinkError::Encoding);
            }
            out.push(v);
            i += 3;
        } else if b.is_ascii_control() || b == b' ' {
            return Err(LinkError::Encoding);
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| LinkError::Encoding)
}

/// Percent-encodes one path segment: everything but RFC 3986 unreserved
/// characters and a few path-safe ones.
fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for &b in segment.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl fmt::Display for Link {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Link::Directory { store, transfer } => {
                f.write_str("file://")?;
                let text = store.to_string_lossy().replace('\\', "/");
                if !text.starts_with('/') {
                    // A Windows drive path.
                    f.write_str("/")?;
                }
                for segment in text.split('/').filter(|s| !s.is_empty()) {
                    write!(f, "/{}", encode_segment(segment))?;
                }
                write!(f, "/{transfer}")
            }
            Link::Server { base, transfer } => write!(f, "{base}/t/{transfer}"),
        }
    }
}

impl FromStr for Link {
    type Err = LinkError;
    fn from_str(s: &str) -> Result<Self, LinkError> {
        Link::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaa";

    #[cfg(unix)]
    #[test]
    fn file_links_round_trip() {
        let id = TransferId::from_bytes([0x5a; 16]);
        for store in ["/", "/srv/store", "/home/ëlla/Mijn Kluis/100%", "/a/b:c/[x]"] {
            let link = Link::directory(store, id).unwrap();
            let text = link.to_string();
            assert!(text.starts_with("file:///"), "{text}");
            assert!(!text.contains(' '));
            assert_eq!(Link::parse(&text).unwrap(), link, "{text}");
        }
        let link = Link::parse(&format!("FILE://localhost/srv/store/{ID}")).unwrap();
        assert_eq!(link, Link::Directory { store: "/srv/store".into(), transfer: TransferId::from_bytes([0; 16]) });
        assert_eq!(Link::parse(&format!("  file:///{ID}\n")).unwrap().to_string(), format!("file:///{ID}"));
        assert_eq!(Link::directory("relative/store", id).unwrap_err(), LinkError::BadPath);
        assert_eq!(Link::directory("/srv/../etc", id).unwrap_err(), LinkError::BadPath);
    }

    #[test]
    fn file_links_refused() {
        let cases = [
            (format!("file:///srv/store/{ID}?x=1"), LinkError::QueryOrFragment),
            (format!("file:///srv/store/{ID}#pw"), LinkError::QueryOrFragment),
            (format!("file://host/srv/{ID}"), LinkError::RemoteFile("host".into())),
            (format!("file:///srv/../{ID}"), LinkError::BadPath),
            (format!("file:///srv//{ID}"), LinkError::BadPath),
            (format!("file:///srv/./{ID}"), LinkError::BadPath),
            (format!("file:///srv/{ID}/"), LinkError::BadPath),
            (format!("file:///srv%2F..%2F/{ID}"), LinkError::Encoding),
            // Fuzz finding `link/file-link-backslash-segment`.
            (format!("file:///a\\b/{ID}"), LinkError::BadPath),
            (format!("file:///x%5C..%5C../{ID}"), LinkError::BadPath),
            (format!("file:///srv%00/{ID}"), LinkError::Encoding),
            (format!("file:///srv%zz/{ID}"), LinkError::Encoding),
            (format!("file:///srv%/{ID}"), LinkError::Encoding),
            (format!("file:///srv%ff/{ID}"), LinkError::Encoding),
            (format!("file:///s rv/{ID}"), LinkError::Encoding),
            ("file:///srv/store/AAAAAAAAAAAAAAAAAAAAAAAAAA".to_owned(), LinkError::TransferId(IdError::Character)),
            ("file:///srv/store/abc".to_owned(), LinkError::TransferId(IdError::Length(3))),
            ("file://".to_owned(), LinkError::BadPath),
            (format!("srv/store/{ID}"), LinkError::UnsupportedScheme(String::new())),
            (format!("mailto://a/{ID}"), LinkError::UnsupportedScheme("mailto".into())),
        ];
        for (text, want) in cases {
            assert_eq!(Link::parse(&text), Err(want), "{text}");
        }
    }

    #[test]
    fn server_links() {
        let link = Link::parse(&format!("https://Kluis.Example.org:8443/share/t/{ID}")).unwrap();
        assert_eq!(
            link,
            Link::Server { base: "https://kluis.example.org:8443/share".into(), transfer: link.transfer() }
        );
        assert_eq!(link.to_string(), format!("https://kluis.example.org:8443/share/t/{ID}"));
        assert!(Link::parse(&format!("http://localhost:8080/t/{ID}")).is_ok());
        assert!(Link::parse(&format!("http://127.0.0.1/t/{ID}")).is_ok());
        assert!(Link::parse(&format!("http://[::1]:80/t/{ID}")).is_ok());
        let refused = [
            (format!("http://example.org/t/{ID}"), LinkError::Insecure("example.org".into())),
            (format!("http://localhost.example.org/t/{ID}"), LinkError::Insecure("localhost.example.org".into())),
            (format!("https://user:pw@example.org/t/{ID}"), LinkError::Credentials),
            (format!("https://example.org/t/{ID}?"), LinkError::QueryOrFragment),
            (format!("https://example.org/x/{ID}"), LinkError::NotATransfer),
            (format!("https://example.org/{ID}"), LinkError::NotATransfer),
            (format!("https:///t/{ID}"), LinkError::NotATransfer),
            (format!("https://example.org/t/{ID}/"), LinkError::BadPath),
            ("https://example.org/t/nope".to_owned(), LinkError::TransferId(IdError::Length(4))),
        ];
        for (text, want) in refused {
            assert_eq!(Link::parse(&text), Err(want), "{text}");
        }
        let id = TransferId::from_bytes([0; 16]);
        assert_eq!(Link::server("https://example.org", id).unwrap().to_string(), format!("https://example.org/t/{ID}"));
        assert!(Link::server("https://example.org/?", id).is_err());
    }
}
