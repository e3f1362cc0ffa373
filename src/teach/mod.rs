//! The teaching layer's content, free of I/O: the experiments' catalogue and
//! explanations ([`experiments`]), how a finished experiment is printed
//! ([`report`]), what an OS error is called in C and in Python ([`errno`]), and
//! the `socklab explain` topics ([`explain`]). The commands that run them live
//! in `crate::cmd`.

pub mod errno;
pub mod experiments;
pub mod explain;
pub mod report;

/// `text` wrapped at `width` columns, each line starting with `indent`.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut lines = Vec::new();
    let mut line = String::from(indent);
    for word in text.split_whitespace() {
        if line.len() > indent.len() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::replace(&mut line, String::from(indent)));
        }
        if line.len() > indent.len() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrapping_keeps_words_whole() {
        assert_eq!(wrap("aa bb cc", 7, "  "), "  aa bb\n  cc");
        assert_eq!(wrap("§3.6 é", 6, ""), "§3.6 é");
    }
}
