//! The header fields of an HTTP message (RFC 9112 §5), kept in one buffer:
//! a message has a handful, and an allocation for every name and value cost
//! more than parsing them.

/// Header fields in order, names as sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Headers {
    /// Every name and value, one after the other.
    text: String,
    /// Where each field's name and value end in `text`.
    ends: Vec<(u32, u32)>,
}

impl Headers {
    /// Room for `fields` fields of `bytes` bytes of names and values in all.
    pub fn with_capacity(fields: usize, bytes: usize) -> Headers {
        Headers { text: String::with_capacity(bytes), ends: Vec::with_capacity(fields) }
    }

    /// Adds a field.
    pub fn push(&mut self, name: &str, value: &str) {
        self.text.push_str(name);
        let name_end = self.text.len();
        self.text.push_str(value);
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        self.ends.push((clamp(name_end), clamp(self.text.len())));
    }

    /// How many fields there are.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The fields, as (name, value).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        let mut start = 0usize;
        self.ends.iter().map(move |&(name_end, value_end)| {
            let (n, v) = (name_end as usize, value_end as usize);
            let field = (self.text.get(start..n).unwrap_or(""), self.text.get(n..v).unwrap_or(""));
            start = v;
            field
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_come_back_in_order_with_empty_names_and_values() {
        let mut h = Headers::default();
        for (n, v) in [("Host", "example.test"), ("X-Empty", ""), ("", "no name"), ("Accept", "*/*")] {
            h.push(n, v);
        }
        assert_eq!(h.len(), 4);
        let back: Vec<(&str, &str)> = h.iter().collect();
        assert_eq!(back, [("Host", "example.test"), ("X-Empty", ""), ("", "no name"), ("Accept", "*/*")]);
        assert!(Headers::default().is_empty());
    }
}
