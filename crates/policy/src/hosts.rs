//! URL-shaped arguments: `host_in` and `host_not_in`.
//!
//! The argument is parsed as a URL by the `url` crate (the WHATWG URL Standard, which
//! browsers and most HTTP clients follow): hosts are IDNA-normalised to lowercase punycode
//! (`ＥXAMPLE.com` → `example.com`, a Cyrillic lookalike → `xn--…`), and IPv4 written in
//! decimal, octal or hex (`http://2130706433/`, `http://0x7f.1/`) becomes dotted decimal.
//! Hosts of other schemes (`redis://…`) are normalised the same way. Refused (a
//! [`Mismatch`](crate::conditions::Mismatch): the call is denied with kind
//! `invalid_arguments`) because two parsers could read them differently:
//!
//! - anything that is not an absolute URL with a host (`example.com/x`, `file:///etc`);
//! - user info (`http://good.com@evil.com`, even an empty `http://@evil.com`);
//! - backslashes, whitespace and control characters anywhere in the text.
//!
//! A pattern is an optional `scheme://` and a host: a domain matches itself and its
//! subdomains on label boundaries (`example.com` matches `api.example.com`, not
//! `evilexample.com`); an IP address matches itself; a CIDR range (`10.0.0.0/8`,
//! `fd00::/8`) its addresses. An IPv4-mapped IPv6 host (`[::ffff:10.0.0.1]`) is also judged
//! as its IPv4 address. A pattern without a scheme matches any scheme. Ports are not
//! checked. No DNS lookup is made: a domain that resolves to a private address is still a
//! domain.

use std::net::{IpAddr, Ipv6Addr};

use url::{Host, Url};

/// One entry of a `host_in` / `host_not_in` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPattern {
    scheme: Option<String>,
    host: HostMatch,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum HostMatch {
    /// ASCII (punycode), lowercase, without a trailing dot.
    Domain(String),
    /// An address and how many leading bits must match.
    Net(IpAddr, u8),
}

impl HostPattern {
    pub fn parse(text: &str) -> Result<HostPattern, String> {
        let bad = |why: &str| format!("host pattern `{text}` {why}");
        let (scheme, rest) = match text.split_once("://") {
            Some((s, rest)) => {
                let ok = s.starts_with(|c: char| c.is_ascii_alphabetic())
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
                if !ok {
                    return Err(bad("has an invalid scheme"));
                }
                (Some(s.to_ascii_lowercase()), rest)
            }
            None => (None, text),
        };
        if rest.contains(['@', '\\', '?', '#', '*']) || rest.chars().any(char::is_whitespace) {
            return Err(bad(
                "must be a host, an IP address or a CIDR range (`example.com` already matches its subdomains)",
            ));
        }
        if let Some((addr, bits)) = rest.split_once('/') {
            let addr = addr.trim_start_matches('[').trim_end_matches(']');
            let ip: IpAddr = addr
                .parse()
                .map_err(|_| bad("is not a CIDR range (e.g. `10.0.0.0/8`)"))?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let bits: u8 = bits
                .parse()
                .ok()
                .filter(|b| *b <= max)
                .ok_or_else(|| bad(&format!("has a prefix length over {max}")))?;
            return Ok(HostPattern {
                scheme,
                host: HostMatch::Net(ip, bits),
            });
        }
        let unbracketed = rest.trim_start_matches('[').trim_end_matches(']');
        if let Ok(v6) = unbracketed.parse::<Ipv6Addr>() {
            return Ok(HostPattern {
                scheme,
                host: HostMatch::Net(IpAddr::V6(v6), 128),
            });
        }
        let host = Host::parse(rest).map_err(|e| bad(&format!("is not a host: {e}")))?;
        Ok(HostPattern {
            scheme,
            host: match normalise(host).map_err(|why| bad(&why))? {
                UrlHost::Domain(d) => HostMatch::Domain(d),
                UrlHost::Ip(ip) => HostMatch::Net(ip, if ip.is_ipv4() { 32 } else { 128 }),
            },
        })
    }

    fn matches(&self, scheme: &str, host: &UrlHost) -> bool {
        if self.scheme.as_deref().is_some_and(|s| s != scheme) {
            return false;
        }
        match (&self.host, host) {
            (HostMatch::Domain(d), UrlHost::Domain(h)) => {
                h == d
                    || h.strip_suffix(d.as_str())
                        .is_some_and(|head| head.ends_with('.'))
            }
            (HostMatch::Net(net, bits), UrlHost::Ip(ip)) => {
                in_net(*ip, *net, *bits)
                    || match ip {
                        IpAddr::V6(v6) => v6
                            .to_ipv4_mapped()
                            .is_some_and(|v4| in_net(IpAddr::V4(v4), *net, *bits)),
                        IpAddr::V4(_) => false,
                    }
            }
            _ => false,
        }
    }
}

impl std::fmt::Display for HostPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(s) = &self.scheme {
            write!(f, "{s}://")?;
        }
        match &self.host {
            HostMatch::Domain(d) => f.write_str(d),
            HostMatch::Net(IpAddr::V4(ip), 32) => write!(f, "{ip}"),
            HostMatch::Net(IpAddr::V6(ip), 128) => write!(f, "[{ip}]"),
            HostMatch::Net(ip, bits) => write!(f, "{ip}/{bits}"),
        }
    }
}

fn in_net(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

#[derive(Debug, PartialEq, Eq)]
enum UrlHost {
    Domain(String),
    Ip(IpAddr),
}

fn normalise(host: Host<String>) -> Result<UrlHost, String> {
    Ok(match host {
        Host::Ipv4(ip) => UrlHost::Ip(IpAddr::V4(ip)),
        Host::Ipv6(ip) => UrlHost::Ip(IpAddr::V6(ip)),
        Host::Domain(d) => {
            let d = d.to_ascii_lowercase();
            let d = d.strip_suffix('.').unwrap_or(&d).to_owned();
            if d.is_empty() || d.ends_with('.') || d.starts_with('.') || d.contains("..") {
                return Err("has an empty label".into());
            }
            UrlHost::Domain(d)
        }
    })
}

/// Schemes whose hosts the URL Standard already normalises (IDNA, IPv4 forms).
const SPECIAL: &[&str] = &["http", "https", "ws", "wss", "ftp", "file"];

/// The scheme and normalised host of a URL argument; `Err(why)` when refused.
fn url_host(arg: &str) -> Result<(String, UrlHost), String> {
    if arg.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("contains whitespace or a control character".into());
    }
    if arg.contains('\\') {
        return Err("contains a backslash".into());
    }
    let url = Url::parse(arg).map_err(|e| format!("is not an absolute URL ({e})"))?;
    let authority = arg
        .split_once("//")
        .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or(""));
    if !url.username().is_empty()
        || url.password().is_some()
        || authority.is_some_and(|a| a.contains('@'))
    {
        return Err("carries user info (`user@host`)".into());
    }
    let host = match url.host() {
        None => return Err("has no host".into()),
        Some(Host::Domain(d)) if !SPECIAL.contains(&url.scheme()) => {
            // An opaque host: read it as a special scheme's host would be.
            Host::parse(d).map_err(|e| format!("has a host that is not valid ({e})"))?
        }
        Some(h) => h.to_owned(),
    };
    Ok((url.scheme().to_owned(), normalise(host)?))
}

/// Whether the URL `arg` matches one of `patterns`; `Err(why)` when it can't be judged.
pub fn host_in(arg: &str, patterns: &[HostPattern]) -> Result<bool, String> {
    let (scheme, host) = url_host(arg)?;
    Ok(patterns.iter().any(|p| p.matches(&scheme, &host)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pats(list: &[&str]) -> Vec<HostPattern> {
        list.iter()
            .map(|p| HostPattern::parse(p).unwrap())
            .collect()
    }

    #[test]
    fn table() {
        let allow = pats(&[
            "example.com",
            "https://secure.test",
            "10.0.0.0/8",
            "127.0.0.1",
            "fd00::/8",
            "bücher.example",
        ]);
        let cases: &[(&str, Result<bool, &str>)] = &[
            ("https://example.com/x", Ok(true)),
            ("https://api.example.com/x", Ok(true)),
            ("https://API.Example.COM./x", Ok(true)),
            ("ftp://example.com", Ok(true)),
            ("https://evilexample.com/", Ok(false)),
            ("https://example.com.evil.net/", Ok(false)),
            ("https://secure.test/", Ok(true)),
            ("http://secure.test/", Ok(false)),
            // IDNA: fullwidth letters fold to ASCII; a Cyrillic `а` does not.
            ("https://ｅｘａｍｐｌｅ.com/", Ok(true)),
            ("https://ex\u{0430}mple.com/", Ok(false)),
            ("https://xn--bcher-kva.example/", Ok(true)),
            ("https://BÜCHER.example/", Ok(true)),
            // IPv4 forms the URL Standard normalises.
            ("http://2130706433/", Ok(true)),
            ("http://0x7f.0.0.1/", Ok(true)),
            ("http://0177.0.0.1/", Ok(true)),
            ("http://127.1/", Ok(true)),
            ("http://127.0.0.2/", Ok(false)),
            ("http://10.200.3.4:8080/", Ok(true)),
            ("http://[::ffff:10.0.0.1]/", Ok(true)),
            ("http://[fd12::1]/", Ok(true)),
            ("http://[fe80::1]/", Ok(false)),
            ("redis://2130706433/", Ok(true)),
            ("redis://EXAMPLE.com/", Ok(true)),
            ("http://good.com@evil.com/", Err("user info")),
            ("http://example.com:pw@evil.com/", Err("user info")),
            ("http://@example.com/", Err("user info")),
            ("http://example.com\\@evil.com/", Err("backslash")),
            ("http://exa mple.com/", Err("whitespace")),
            ("http://exa\tmple.com/", Err("whitespace")),
            ("example.com/x", Err("not an absolute URL")),
            ("/srv/x", Err("not an absolute URL")),
            ("file:///etc/passwd", Err("no host")),
            ("mailto:a@example.com", Err("no host")),
            ("http://a..example.com/", Err("empty label")),
        ];
        for (arg, want) in cases {
            match (host_in(arg, &allow), want) {
                (Ok(got), Ok(w)) => assert_eq!(got, *w, "{arg:?}"),
                (Err(got), Err(w)) => assert!(got.contains(w), "{arg:?}: {got}"),
                (got, w) => panic!("{arg:?}: got {got:?}, want {w:?}"),
            }
        }
    }

    #[test]
    fn patterns() {
        for (text, shown) in [
            ("Example.COM", "example.com"),
            ("HTTPS://example.com", "https://example.com"),
            ("10.1.2.3/8", "10.1.2.3/8"),
            ("::1", "[::1]"),
            ("[::1]", "[::1]"),
            ("2130706433", "127.0.0.1"),
            ("bücher.example", "xn--bcher-kva.example"),
        ] {
            assert_eq!(
                HostPattern::parse(text).unwrap().to_string(),
                shown,
                "{text}"
            );
        }
        for bad in [
            "*.example.com",
            "example.com/path",
            "user@example.com",
            "10.0.0.0/33",
            "::/129",
            "",
            "1http://x",
            "exa mple.com",
        ] {
            assert!(HostPattern::parse(bad).is_err(), "{bad:?}");
        }
    }
}
