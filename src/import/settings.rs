//! The parameters `import` infers, in the order `milvus-l7.yaml` lists them,
//! and the notes on what it saw but cannot express.

use serde_json::{Map, Value};

/// Config keys in insertion order, the selected overlays, and notes.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    keys: Map<String, Value>,
    overlays: Vec<String>,
    /// Seen in the export, not expressible as a parameter.
    pub unexpressed: Vec<String>,
}

impl Settings {
    /// Sets a parameter (the last value wins).
    pub fn set(&mut self, key: &str, value: impl Into<Value>) {
        self.keys.insert(key.to_string(), value.into());
    }

    /// Sets a parameter unless it equals its built-in default, so the
    /// config says only what this setup does differently.
    pub fn set_unless_default(&mut self, key: &str, value: impl Into<Value>) {
        let value = value.into();
        let default = crate::render::params::core_parameters()
            .into_iter()
            .find(|(name, _, _)| *name == key)
            .map(|(_, default, _)| default);
        if default.as_ref() != Some(&value) {
            self.set(key, value);
        }
    }

    /// A parameter set so far.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.keys.get(key)
    }

    /// Selects an overlay (once, in the order first asked).
    pub fn overlay(&mut self, name: &str) {
        if !self.overlays.iter().any(|o| o == name) {
            self.overlays.push(name.to_string());
        }
    }

    /// Records what the export holds that no parameter expresses.
    pub fn cannot_express(&mut self, note: String) {
        self.unexpressed.push(note);
    }

    /// The config as a mapping: the keys, then `overlays` (always written,
    /// even empty: an absent list would mean the default `[google-managed]`).
    pub fn to_config(&self) -> Value {
        let mut map = self.keys.clone();
        map.insert(
            "overlays".into(),
            Value::Array(self.overlays.iter().cloned().map(Value::String).collect()),
        );
        Value::Object(map)
    }
}
