//! "Did you mean": the closest name by edit distance.

/// The candidate closest to `name` by Levenshtein distance, if it is close
/// enough to be a plausible typo (at most a third of the longer name, and at
/// least one edit allowed). Ties go to the alphabetically first.
///
/// ```
/// use kolla_core::catalog::closest;
/// assert_eq!(closest("keystne", ["keystone", "glance"]), Some("keystone"));
/// assert_eq!(closest("zzzz", ["keystone", "glance"]), None);
/// ```
pub fn closest<'a, I>(name: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let mut best: Option<(usize, &'a str)> = None;
    for cand in candidates {
        let d = distance(name, cand);
        let limit = (name.chars().count().max(cand.chars().count()) / 3).max(1);
        if d > limit {
            continue;
        }
        if best.is_none_or(|(bd, bc)| d < bd || (d == bd && cand < bc)) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| c)
}

/// Edit distance over chars (insertions, deletions, substitutions and
/// transpositions of neighbours each cost one).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        d[i * w] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("nova", "nova"), 0);
        assert_eq!(distance("nvoa", "nova"), 1);
    }

    #[test]
    fn suggests_only_close_names() {
        assert_eq!(closest("nvoa", ["nova", "neutron"]), Some("nova"));
        assert_eq!(closest("heat", ["nova", "neutron"]), None);
    }
}
