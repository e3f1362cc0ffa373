//! "Did you mean" hints for unknown field names: the known names nearest by edit
//! distance (a typo such as `tcp.flag.syn`), else those that extend the name
//! (`tcp.analysis` → `tcp.analysis.flags`…).

/// Most names a hint offers.
const MAX_HINTS: usize = 3;

/// A hint to append to the "unknown name" message, or "" when nothing is close.
pub(super) fn did_you_mean(name: &str, known: &[&str]) -> String {
    let limit = 1 + name.chars().count() / 6;
    let mut near: Vec<(usize, &str)> =
        known.iter().map(|k| (distance(name, k), *k)).filter(|&(d, _)| d <= limit.min(3)).collect();
    near.sort();
    let best = near.first().map_or(0, |&(d, _)| d);
    let mut picks: Vec<&str> = near.iter().filter(|&&(d, _)| d == best).map(|&(_, k)| k).take(MAX_HINTS).collect();
    if picks.is_empty() && !name.is_empty() {
        picks = known.iter().filter(|k| k.starts_with(name)).take(MAX_HINTS).copied().collect();
    }
    let quoted: Vec<String> = picks.iter().map(|p| format!("\"{p}\"")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => format!(" (did you mean {one}?)"),
        [init @ .., last] => format!(" (did you mean {} or {last}?)", init.join(", ")),
    }
}

/// Edit distance counting an insertion, deletion, substitution or swap of two
/// neighbouring characters as one edit (optimal string alignment).
fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for (i, row) in d.chunks_mut(width).enumerate() {
        row[0] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best =
                (d[(i - 1) * width + j] + 1).min(d[i * width + j - 1] + 1).min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] =
        &["tcp", "tcp.flags", "tcp.flags.syn", "tcp.flags.ack", "tcp.seq", "tcp.analysis.flags", "udp"];

    #[test]
    fn typos_name_the_nearest_fields() {
        assert_eq!(did_you_mean("tcp.flag.syn", KNOWN), " (did you mean \"tcp.flags.syn\"?)");
        assert_eq!(did_you_mean("tcp.sqe", KNOWN), " (did you mean \"tcp.seq\"?)");
        assert_eq!(did_you_mean("tcp.flags.sin", KNOWN), " (did you mean \"tcp.flags.syn\"?)");
        assert_eq!(did_you_mean("tcp.flags.sak", KNOWN), " (did you mean \"tcp.flags.ack\" or \"tcp.flags.syn\"?)");
        assert_eq!(did_you_mean("tcp.analysis", KNOWN), " (did you mean \"tcp.analysis.flags\"?)");
        assert_eq!(did_you_mean("smtp.req", KNOWN), "");
        assert_eq!(did_you_mean("", KNOWN), "");
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("ab", "ba"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("é", "e"), 1);
    }
}
