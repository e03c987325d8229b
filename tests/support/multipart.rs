//! Reads a `multipart/form-data` request body, as the bot sends a message with attachments:
//! Discord takes the message as JSON in a part named `payload_json` and each file in a part
//! `files[n]` with a filename and a content type. The fake Discord records the parts so tests can
//! check them, and the OpenAPI checker validates them.

#![allow(dead_code)]

/// One part of a multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The form field's name (`payload_json`, `files[0]`).
    pub name: String,
    /// The file name, for a file part.
    pub filename: Option<String>,
    /// The part's `Content-Type`, if it has one.
    pub content_type: Option<String>,
    /// The part's bytes.
    pub data: Vec<u8>,
}

/// The boundary of a `multipart/form-data` content type, if it is one.
pub fn boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_string())
    })
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// The parts of `body`, or why it is not a well-formed multipart body (RFC 7578).
pub fn parse(body: &[u8], boundary: &str) -> Result<Vec<Part>, String> {
    let delim = format!("--{boundary}").into_bytes();
    let mut at = find(body, &delim, 0).ok_or("no opening boundary")? + delim.len();
    let mut parts = Vec::new();
    loop {
        if body.get(at..at + 2) == Some(b"--") {
            return Ok(parts); // the closing boundary
        }
        if body.get(at..at + 2) != Some(b"\r\n") {
            return Err("a boundary is not followed by CRLF".into());
        }
        at += 2;
        let head_end = find(body, b"\r\n\r\n", at).ok_or("a part has no end of headers")?;
        let head = std::str::from_utf8(&body[at..head_end]).map_err(|_| "headers not UTF-8")?;
        let next = find(body, &[b"\r\n".as_slice(), &delim].concat(), head_end + 4)
            .ok_or("a part has no closing boundary")?;
        let mut part = Part {
            name: String::new(),
            filename: None,
            content_type: None,
            data: body[head_end + 4..next].to_vec(),
        };
        for line in head.split("\r\n") {
            let (k, v) = line.split_once(':').ok_or("a malformed part header")?;
            match k.trim().to_ascii_lowercase().as_str() {
                "content-disposition" => {
                    if !v.trim().starts_with("form-data") {
                        return Err(format!("not form-data: {v}"));
                    }
                    part.name = param(v, "name").ok_or("a part without a name")?;
                    part.filename = param(v, "filename");
                }
                "content-type" => part.content_type = Some(v.trim().to_string()),
                _ => {}
            }
        }
        parts.push(part);
        at = next + 2 + delim.len();
    }
}

/// A `key="value"` parameter of a header value.
fn param(header: &str, key: &str) -> Option<String> {
    header.split(';').skip(1).find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
    })
}
