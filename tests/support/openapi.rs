//! Checks request bodies against Discord's own OpenAPI description (`../shared/discord/
//! openapi.json`, draft 2020-12 schemas with local `$ref`s). The spec is test data that lives
//! beside the project, not in it: where it is absent the check says it skipped.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

/// Which validator: method, path template, content type.
type ValidatorKey = (String, String, &'static str);

/// The loaded spec and compiled validators (compiled once per route per test binary).
pub struct Spec {
    doc: Value,
    templates: Vec<String>,
    compiled: Mutex<HashMap<ValidatorKey, Arc<jsonschema::Validator>>>,
}

/// `../shared/discord/openapi.json` relative to the crate, if present.
pub fn spec_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/discord/openapi.json")
}

/// The spec, loaded once; `None` where `../shared` does not exist.
pub fn spec() -> Option<&'static Spec> {
    static SPEC: OnceLock<Option<Spec>> = OnceLock::new();
    SPEC.get_or_init(|| {
        let text = std::fs::read_to_string(spec_path()).ok()?;
        let doc: Value = serde_json::from_str(&text).expect("openapi.json is JSON");
        let templates = doc["paths"]
            .as_object()
            .expect("paths")
            .keys()
            .cloned()
            .collect();
        Some(Spec {
            doc,
            templates,
            compiled: Mutex::new(HashMap::new()),
        })
    })
    .as_ref()
}

impl Spec {
    /// The spec's path template for a request path (`/api/v10` stripped), preferring the most
    /// literal match (`/messages/@original` over `/messages/{message_id}`).
    pub fn template_for(&self, path: &str) -> Option<&str> {
        let path = path.strip_prefix("/api/v10").unwrap_or(path);
        let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        self.templates
            .iter()
            .filter_map(|t| {
                let ts: Vec<&str> = t.trim_start_matches('/').split('/').collect();
                if ts.len() != segs.len() {
                    return None;
                }
                let mut literal = 0;
                for (a, b) in ts.iter().zip(&segs) {
                    if a.starts_with('{') && a.ends_with('}') {
                        continue;
                    }
                    if a != b {
                        return None;
                    }
                    literal += 1;
                }
                Some((literal, t.as_str()))
            })
            .max_by_key(|(l, _)| *l)
            .map(|(_, t)| t)
    }

    /// Validates one request body. `Ok(())` also when the route takes no body and none was sent.
    pub fn validate(&self, method: &str, path: &str, body: Option<&Value>) -> Result<(), String> {
        let template = self
            .template_for(path)
            .ok_or_else(|| format!("{method} {path}: no such route in Discord's API"))?;
        let op = &self.doc["paths"][template][method.to_ascii_lowercase()];
        if op.is_null() {
            return Err(format!(
                "{method} {template}: no such operation in Discord's API"
            ));
        }
        let schema = &op["requestBody"]["content"]["application/json"]["schema"];
        let Some(body) = body else {
            if op["requestBody"]["required"] == Value::Bool(true) {
                return Err(format!("{method} {template}: a body is required"));
            }
            return Ok(());
        };
        if schema.is_null() {
            return Err(format!(
                "{method} {template}: takes no JSON body, but got {body}"
            ));
        }
        let validator = self.validator(method, template, "application/json", schema)?;
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{method} {template}: body does not match Discord's schema:\n  {}\nbody: {}",
                errors.join("\n  "),
                body
            ))
        }
    }

    /// Validates a `multipart/form-data` body (a message with attachments) as Discord describes
    /// it: a `payload_json` part holding the message as JSON and one `files[n]` part per file,
    /// with a file name; the form's fields (the JSON's members and the `files[n]` parts) must
    /// match the operation's multipart schema, and every attachment the JSON lists must name a
    /// file part by its index.
    pub fn validate_multipart(
        &self,
        method: &str,
        path: &str,
        parts: &[super::multipart::Part],
    ) -> Result<(), String> {
        let template = self
            .template_for(path)
            .ok_or_else(|| format!("{method} {path}: no such route in Discord's API"))?;
        let op = &self.doc["paths"][template][method.to_ascii_lowercase()];
        let schema = &op["requestBody"]["content"]["multipart/form-data"]["schema"];
        if schema.is_null() {
            return Err(format!("{method} {template}: takes no multipart body"));
        }
        let payload = parts
            .iter()
            .find(|p| p.name == "payload_json")
            .ok_or_else(|| format!("{method} {template}: multipart body without payload_json"))?;
        let mut form: serde_json::Map<String, Value> = match serde_json::from_slice(&payload.data) {
            Ok(Value::Object(m)) => m,
            _ => {
                return Err(format!(
                    "{method} {template}: payload_json is not a JSON object"
                ))
            }
        };
        let mut files = Vec::new();
        for p in parts.iter().filter(|p| p.name != "payload_json") {
            let n = p
                .name
                .strip_prefix("files[")
                .and_then(|r| r.strip_suffix(']'))
                .and_then(|n| n.parse::<u64>().ok())
                .ok_or_else(|| format!("{method} {template}: unexpected form part {:?}", p.name))?;
            if p.filename.as_deref().is_none_or(str::is_empty) {
                return Err(format!("{method} {template}: {} has no filename", p.name));
            }
            files.push(n);
            form.insert(
                p.name.clone(),
                Value::String(format!("<{} bytes>", p.data.len())),
            );
        }
        for a in form
            .get("attachments")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let id = a["id"]
                .as_u64()
                .or_else(|| a["id"].as_str().and_then(|s| s.parse().ok()));
            if !id.is_some_and(|id| files.contains(&id)) {
                return Err(format!(
                    "{method} {template}: attachment {a} names no files[n] part"
                ));
            }
        }
        let form = Value::Object(form);
        let validator = self.validator(method, template, "multipart/form-data", schema)?;
        let errors: Vec<String> = validator
            .iter_errors(&form)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{method} {template}: multipart body does not match Discord's schema:\n  {}\nform: {}",
                errors.join("\n  "),
                form
            ))
        }
    }

    fn validator(
        &self,
        method: &str,
        template: &str,
        content: &'static str,
        schema: &Value,
    ) -> Result<Arc<jsonschema::Validator>, String> {
        let key = (method.to_string(), template.to_string(), content);
        if let Some(v) = self.compiled.lock().unwrap().get(&key) {
            return Ok(v.clone());
        }
        // The operation's schema, with the spec's components beside it so `#/components/...`
        // references resolve inside the same document.
        let mut root = schema.clone();
        let obj = root
            .as_object_mut()
            .ok_or_else(|| format!("{method} {template}: schema is not an object"))?;
        obj.insert("components".into(), self.doc["components"].clone());
        obj.insert(
            "$schema".into(),
            Value::String("https://json-schema.org/draft/2020-12/schema".into()),
        );
        let v = Arc::new(
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .build(&root)
                .map_err(|e| format!("{method} {template}: schema does not compile: {e}"))?,
        );
        self.compiled.lock().unwrap().insert(key, v.clone());
        Ok(v)
    }
}

/// Validates every recorded request with a body; returns how many were checked, or `None` (after
/// printing that it skipped) where the spec is absent. Panics listing every mismatch.
pub fn check_all(requests: &[super::fake_discord::Recorded]) -> Option<usize> {
    let Some(spec) = spec() else {
        println!(
            "skipped: Discord OpenAPI check ({} not found)",
            spec_path().display()
        );
        return None;
    };
    let mut failures = Vec::new();
    let mut checked = 0;
    for r in requests {
        if r.method == "GET" {
            continue;
        }
        checked += 1;
        let result = match &r.multipart {
            Some(Ok(parts)) => spec.validate_multipart(&r.method, &r.path, parts),
            Some(Err(e)) => Err(format!(
                "{} {}: malformed multipart body: {e}",
                r.method, r.path
            )),
            None => spec.validate(&r.method, &r.path, r.body.as_ref()),
        };
        if let Err(e) = result {
            failures.push(e);
        }
    }
    assert!(
        failures.is_empty(),
        "{} request(s) the bot sent do not match Discord's OpenAPI spec:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    Some(checked)
}
