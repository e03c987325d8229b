//! The keys [`Settings`] accepts, read from serde's own field lists (so there is no second list
//! to keep in step), and the reader for lists of Discord ids.

use std::cell::Cell;
use std::fmt;

use serde::de::{
    self, value::MapDeserializer, DeserializeSeed, Deserializer, IntoDeserializer, SeqAccess,
    Visitor,
};
use serde::Deserialize;

use super::Settings;

/// Every key [`Settings`] accepts, `section.name` in declaration order: serde's own field lists,
/// read by starting to deserialise `Settings` from [`FieldNames`].
pub fn keys() -> Vec<String> {
    let fields = |section| {
        let found = Cell::new(&[][..]);
        let _ = Settings::deserialize(FieldNames {
            section,
            found: &found,
        });
        found.get()
    };
    let sections = fields(None);
    sections
        .iter()
        .flat_map(|s| fields(Some(s)).iter().map(move |k| format!("{s}.{k}")))
        .collect()
}

/// A deserializer that records the field names of the struct asked of it and then stops; with a
/// `section`, it first offers that one field, to record the fields of the struct it holds.
struct FieldNames<'a> {
    section: Option<&'static str>,
    found: &'a Cell<&'static [&'static str]>,
}

impl<'de> Deserializer<'de> for FieldNames<'_> {
    type Error = de::value::Error;

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        let Some(section) = self.section else {
            self.found.set(fields);
            return Err(de::Error::custom("field names recorded"));
        };
        let inner = FieldNames {
            section: None,
            found: self.found,
        };
        visitor.visit_map(MapDeserializer::new(std::iter::once((section, inner))))
    }

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
        unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

impl<'de> IntoDeserializer<'de, de::value::Error> for FieldNames<'_> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

/// Reads a list of Discord ids written as a TOML list (of numbers or strings), a single number,
/// or a comma-separated string (the form an environment variable takes).
pub(super) fn id_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u64>, D::Error> {
    d.deserialize_any(Ids)
}

/// The visitor of [`id_list`], and the seed of each id in a list.
struct Ids;

impl<'de> DeserializeSeed<'de> for Ids {
    type Value = Vec<u64>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<u64>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Ids {
    type Value = Vec<u64>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of Discord ids, or a comma-separated string of them")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Vec<u64>, E> {
        Ok(vec![v])
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Vec<u64>, E> {
        u64::try_from(v)
            .map(|v| vec![v])
            .map_err(|_| E::custom("a Discord id cannot be negative"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<u64>, E> {
        v.split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.parse()
                    .map_err(|_| E::custom(format!("`{p}` is not a Discord id (digits only)")))
            })
            .collect()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u64>, A::Error> {
        let mut out = Vec::new();
        while let Some(ids) = seq.next_element_seed(Ids)? {
            match ids[..] {
                [id] => out.push(id),
                _ => return Err(de::Error::custom("expected one Discord id")),
            }
        }
        Ok(out)
    }
}
