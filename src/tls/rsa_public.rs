//! The public half of an RSA private key, read straight from its DER, so
//! that `check` can compare any RSA key with its certificate without an RSA
//! implementation: the `rsa` crate carries RUSTSEC-2023-0071, and ring
//! refuses keys outside 2048–8192 bits, whose mismatch should still be
//! reported as a mismatch rather than as unreadable.
//!
//! PKCS#1 (RFC 8017, A.1.2) `RSAPrivateKey ::= SEQUENCE { version,
//! modulus, publicExponent, … }` already holds the public key
//! `RSAPublicKey ::= SEQUENCE { modulus, publicExponent }`, which is what a
//! certificate's SubjectPublicKeyInfo carries as its key bits.

use x509_parser::asn1_rs::{Any, FromDer, Sequence, Tag};

/// Object identifier of `rsaEncryption` (RFC 8017), the algorithm of RSA
/// keys in PKCS#8 and in certificates.
pub const RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";

/// The identifier octet of a DER INTEGER (universal, primitive, tag 2).
const DER_INTEGER: u8 = 0x02;

/// The DER `RSAPublicKey` of a PKCS#1 `RSAPrivateKey`.
pub fn public_key_of_pkcs1(der: &[u8]) -> Option<Vec<u8>> {
    let (_, sequence) = Sequence::from_der(der).ok()?;
    let fields = raw_fields(&sequence.content)?;
    let [version, modulus, exponent, ..] = fields.as_slice() else {
        return None;
    };
    let all_integers = [version, modulus, exponent]
        .iter()
        .all(|field| field.first() == Some(&DER_INTEGER));
    if !all_integers {
        return None;
    }
    let mut content = modulus.to_vec();
    content.extend_from_slice(exponent);
    Some(der_sequence(&content))
}

/// The PKCS#1 key inside a PKCS#8 `PrivateKeyInfo ::= SEQUENCE { version,
/// AlgorithmIdentifier, privateKey OCTET STRING }` of an RSA key.
pub fn pkcs1_in_pkcs8(der: &[u8]) -> Option<Vec<u8>> {
    let (_, info) = Sequence::from_der(der).ok()?;
    let fields = raw_fields(&info.content)?;
    let [_version, algorithm, private_key, ..] = fields.as_slice() else {
        return None;
    };
    let (_, algorithm) = Sequence::from_der(algorithm).ok()?;
    let (_, oid) = x509_parser::asn1_rs::Oid::from_der(&algorithm.content).ok()?;
    if oid.to_id_string() != RSA_ENCRYPTION {
        return None;
    }
    let (_, octets) = Any::from_der(private_key).ok()?;
    (octets.header.tag() == Tag::OctetString).then(|| octets.data.to_vec())
}

/// Each DER element of a SEQUENCE's content, header included.
fn raw_fields(mut content: &[u8]) -> Option<Vec<&[u8]>> {
    let mut fields = Vec::new();
    while !content.is_empty() {
        let (rest, _) = Any::from_der(content).ok()?;
        fields.push(&content[..content.len() - rest.len()]);
        content = rest;
    }
    Some(fields)
}

/// A DER SEQUENCE around already encoded `content` (definite length, the
/// shortest form, as DER requires).
fn der_sequence(content: &[u8]) -> Vec<u8> {
    let mut der = vec![0x30];
    let length = content.len();
    if length < 0x80 {
        der.push(length as u8);
    } else {
        let bytes: Vec<u8> = length
            .to_be_bytes()
            .into_iter()
            .skip_while(|&b| b == 0)
            .collect();
        der.push(0x80 | bytes.len() as u8);
        der.extend_from_slice(&bytes);
    }
    der.extend_from_slice(content);
    der
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_lengths_are_encoded_as_der() {
        assert_eq!(der_sequence(&[1, 2]), [0x30, 2, 1, 2]);
        let long = der_sequence(&[0; 0x100]);
        assert_eq!(&long[..4], [0x30, 0x82, 0x01, 0x00]);
        assert_eq!(long.len(), 4 + 0x100);
    }

    #[test]
    fn what_is_not_an_rsa_key_is_refused() {
        assert_eq!(public_key_of_pkcs1(b"not der"), None);
        // SEQUENCE { INTEGER 0 }: too few fields.
        assert_eq!(public_key_of_pkcs1(&[0x30, 3, 2, 1, 0]), None);
        assert_eq!(pkcs1_in_pkcs8(&[0x30, 3, 2, 1, 0]), None);
    }
}
