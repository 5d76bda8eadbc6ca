//! The `ipaddr` filter of the `ansible.utils` collection, for the forms
//! kolla-ansible uses: no query (the value, normalised, when it is an
//! address or network) and `'address'` (the host address of it).

use minijinja::value::Value;
use minijinja::Error;
use std::net::IpAddr;

/// An address with an optional prefix length, as `ipaddr` parses it.
struct Net {
    ip: IpAddr,
    prefix: Option<u8>,
}

impl Net {
    fn parse(value: &Value) -> Option<Net> {
        if value.is_number() && !matches!(value.kind(), minijinja::value::ValueKind::Bool) {
            let n = u128::try_from(value.clone()).ok()?;
            let ip = match u32::try_from(n) {
                Ok(v4) => IpAddr::V4(v4.into()),
                Err(_) => IpAddr::V6(n.into()),
            };
            return Some(Net { ip, prefix: None });
        }
        let s = value.as_str()?;
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let ip: IpAddr = addr.parse().ok()?;
        let max = if ip.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => None,
            Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                Some(p.parse::<u8>().ok().filter(|&p| p <= max)?)
            }
            Some(_) => return None,
        };
        Some(Net { ip, prefix })
    }

    /// The address part, or none for an IPv4 network's own address (a
    /// prefix shorter than /31 with no host bits set).
    fn address(&self) -> Option<String> {
        if let (IpAddr::V4(v4), Some(p)) = (self.ip, self.prefix) {
            let host_mask = u32::MAX.checked_shr(u32::from(p)).unwrap_or(0);
            if p <= 30 && u32::from(v4) & host_mask == 0 {
                return None;
            }
        }
        Some(self.ip.to_string())
    }

    fn full(&self) -> String {
        match self.prefix {
            Some(p) => format!("{}/{p}", self.ip),
            None => self.ip.to_string(),
        }
    }
}

/// One value through the filter: `false` when it is no address, `none`
/// when the query does not apply.
fn one(value: &Value, query: Option<&str>) -> Result<Value, Error> {
    let Some(net) = Net::parse(value) else {
        return Ok(Value::from(false));
    };
    match query {
        None | Some("") => Ok(Value::from(net.full())),
        Some("address") => Ok(net.address().map(Value::from).unwrap_or(Value::from(()))),
        Some(q) => Err(Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!("ipaddr: unsupported query '{q}' (kolla-rs supports none and 'address')"),
        )),
    }
}

/// `value | ipaddr(query)`: lists give their elements that pass.
pub(crate) fn ipaddr(value: &Value, query: Option<String>) -> Result<Value, Error> {
    let query = query.as_deref();
    if matches!(value.kind(), minijinja::value::ValueKind::Seq) {
        let mut out = Vec::new();
        for v in value.try_iter()? {
            let r = one(&v, query)?;
            if r.is_true() {
                out.push(r);
            }
        }
        return Ok(Value::from(out));
    }
    one(value, query)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Results checked against ansible.utils' `ipaddr` (kolla-ansible 22.2.0's venv).
    #[test]
    fn matches_ansible_utils() {
        let cases: &[(&str, Option<&str>, &str)] = &[
            ("10.0.0.1", None, "10.0.0.1"),
            ("10.0.0.1", Some("address"), "10.0.0.1"),
            ("10.0.0.1/24", None, "10.0.0.1/24"),
            ("10.0.0.1/24", Some("address"), "10.0.0.1"),
            ("192.168.1.0/24", Some("address"), "none"),
            ("10.0.0.0/31", Some("address"), "10.0.0.0"),
            ("10.0.0.0/32", Some("address"), "10.0.0.0"),
            ("FE80::0001", None, "fe80::1"),
            ("2001:db8::/64", Some("address"), "2001:db8::"),
            ("2001:db8::1/64", Some("address"), "2001:db8::1"),
            ("", Some("address"), "False"),
            ("example.com", Some("address"), "False"),
            ("10.0.0.256", None, "False"),
            ("10.0.0.1/33", None, "False"),
            ("[::1]", None, "False"),
            ("10.0.0.1 ", None, "False"),
        ];
        for (v, q, want) in cases {
            let got = ipaddr(&Value::from(*v), q.map(str::to_string)).unwrap();
            let got = if got.is_none() {
                "none".to_string()
            } else {
                got.to_string()
            };
            assert_eq!(got, *want, "{v:?} {q:?}");
        }
        let got = ipaddr(&Value::from(5), Some("address".into())).unwrap();
        assert_eq!(got.to_string(), "0.0.0.5");
        let list = Value::from(vec![Value::from("10.0.0.1"), Value::from("x")]);
        assert_eq!(ipaddr(&list, None).unwrap().to_string(), r#"["10.0.0.1"]"#);
        assert!(ipaddr(&Value::from("10.0.0.1"), Some("netmask".into())).is_err());
    }
}
