//! The checksums that tell a real number from an arbitrary one: the BSN
//! 11-proof, the Luhn check of card numbers, ISO 13616 IBAN mod-97, and the
//! card issuers' number ranges.

/// The 11-proof of a citizen service number: with weights 9, 8, ..., 2 and
/// −1 the weighted sum of the nine digits is a multiple of 11. All zeros is
/// not a number.
pub(crate) fn bsn_eleven_proof(digits: &[u8; 9]) -> bool {
    let mut sum: i32 = 0;
    for (i, d) in digits.iter().enumerate() {
        let w = if i == 8 { -1 } else { 9 - i as i32 };
        sum += w * i32::from(*d);
    }
    sum % 11 == 0 && digits.iter().any(|&d| d != 0)
}

/// The Luhn check (ISO/IEC 7812-1) over digit values 0..=9.
pub(crate) fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(*d);
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum % 10 == 0
}

/// Whether a card number of this length starts with the prefix of a known
/// issuer (ISO/IEC 7812 ranges as published by the schemes): Visa, Mastercard,
/// American Express, Diners Club, Discover, JCB, UnionPay, Maestro.
pub(crate) fn card_issuer(digits: &[u8]) -> Option<&'static str> {
    let len = digits.len();
    let prefix = |n: usize| digits[..n].iter().fold(0u32, |acc, d| acc * 10 + u32::from(*d));
    let (p1, p2, p3, p4, p6) = (prefix(1), prefix(2), prefix(3), prefix(4), prefix(6));
    match () {
        _ if p1 == 4 && matches!(len, 13 | 16 | 19) => Some("Visa"),
        _ if (51..=55).contains(&p2) && len == 16 => Some("Mastercard"),
        _ if (2221..=2720).contains(&p4) && len == 16 => Some("Mastercard"),
        _ if matches!(p2, 34 | 37) && len == 15 => Some("American Express"),
        _ if ((300..=305).contains(&p3) || matches!(p2, 36 | 38 | 39)) && (14..=19).contains(&len) => {
            Some("Diners Club")
        }
        _ if (p4 == 6011 || (644..=649).contains(&p3) || p2 == 65 || (622126..=622925).contains(&p6))
            && (16..=19).contains(&len) =>
        {
            Some("Discover")
        }
        _ if (3528..=3589).contains(&p4) && (16..=19).contains(&len) => Some("JCB"),
        _ if p2 == 62 && (16..=19).contains(&len) => Some("UnionPay"),
        _ if (p2 == 50 || (56..=69).contains(&p2)) && (13..=19).contains(&len) => Some("Maestro"),
        _ => None,
    }
}

/// The length of an IBAN of this country (ISO 13616 registry, release of
/// 2024), or `None` for a country without IBANs.
pub(crate) fn iban_length(country: [u8; 2]) -> Option<usize> {
    let len = match &country {
        b"NO" => 15,
        b"BE" => 16,
        b"DK" | b"FI" | b"FO" | b"GL" | b"NL" | b"SD" | b"FK" => 18,
        b"MK" | b"SI" => 19,
        b"AT" | b"BA" | b"EE" | b"KZ" | b"LT" | b"LU" | b"MN" | b"XK" => 20,
        b"CH" | b"HR" | b"LI" | b"LV" => 21,
        b"BG" | b"BH" | b"CR" | b"DE" | b"GB" | b"GE" | b"IE" | b"ME" | b"RS" | b"VA" => 22,
        b"AE" | b"GI" | b"IL" | b"IQ" | b"OM" | b"SO" | b"TL" => 23,
        b"AD" | b"CZ" | b"ES" | b"MD" | b"PK" | b"RO" | b"SA" | b"SE" | b"SK" | b"TN" | b"VG" => 24,
        b"LY" | b"PT" | b"ST" => 25,
        b"IS" | b"TR" => 26,
        b"BI" | b"DJ" | b"FR" | b"GR" | b"IT" | b"MC" | b"MR" | b"SM" => 27,
        b"AL" | b"AZ" | b"BY" | b"CY" | b"DO" | b"GT" | b"HN" | b"HU" | b"LB" | b"NI" | b"PL" | b"SV" => 28,
        b"BR" | b"EG" | b"PS" | b"QA" | b"UA" => 29,
        b"JO" | b"KW" | b"MU" | b"YE" => 30,
        b"MT" | b"SC" => 31,
        b"LC" => 32,
        b"RU" => 33,
        _ => return None,
    };
    Some(len)
}

/// ISO 13616 / ISO 7064 mod 97-10 over an IBAN's characters (upper-case
/// letters and digits, no spaces): the check holds when the remainder is 1.
pub(crate) fn iban_mod97(chars: &[u8]) -> bool {
    if chars.len() < 5 {
        return false;
    }
    let (head, bban) = chars.split_at(4);
    let mut rem: u32 = 0;
    for &c in bban.iter().chain(head) {
        match c {
            b'0'..=b'9' => rem = (rem * 10 + u32::from(c - b'0')) % 97,
            b'A'..=b'Z' => rem = (rem * 100 + u32::from(c - b'A' + 10)) % 97,
            _ => return false,
        }
    }
    rem == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digits(s: &str) -> Vec<u8> {
        s.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect()
    }

    #[test]
    fn eleven_proof() {
        let ok = |s: &str| bsn_eleven_proof(&digits(s).try_into().unwrap());
        assert!(ok("111222333") && ok("123456782"));
        assert!(!ok("123456781") && !ok("000000000"));
        // Every single-digit change breaks it: the weights are prime to 11.
        let base = digits("123456782");
        for i in 0..9 {
            for d in 0..10u8 {
                let mut v = base.clone();
                if v[i] == d {
                    continue;
                }
                v[i] = d;
                assert!(!bsn_eleven_proof(&v.try_into().unwrap()));
            }
        }
    }

    #[test]
    fn luhn_and_issuers() {
        for (n, issuer) in [
            ("4111111111111111", "Visa"),
            ("5555555555554444", "Mastercard"),
            ("2223003122003222", "Mastercard"),
            ("378282246310005", "American Express"),
            ("6011111111111117", "Discover"),
            ("3530111333300000", "JCB"),
            ("30569309025904", "Diners Club"),
        ] {
            let d = digits(n);
            assert!(luhn(&d), "{n}");
            assert_eq!(card_issuer(&d), Some(issuer), "{n}");
        }
        assert!(!luhn(&digits("4111111111111112")));
        assert_eq!(card_issuer(&digits("9111111111111111")), None);
    }

    #[test]
    fn iban() {
        assert!(iban_mod97(b"NL91ABNA0417164300"));
        assert!(iban_mod97(b"DE89370400440532013000"));
        assert!(iban_mod97(b"GB82WEST12345698765432"));
        assert!(!iban_mod97(b"NL91ABNA0417164301"));
        assert_eq!(iban_length(*b"NL"), Some(18));
        assert_eq!(iban_length(*b"US"), None);
    }
}
