package desired

import (
	"crypto/md5"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"hash"
)

// hasher returns the hash function RabbitMQ's internal backend uses for algorithm
// (rabbit_password_hashing_sha256 and its siblings), or nil for one we do not know.
func hasher(algorithm string) func() hash.Hash {
	switch algorithm {
	case "rabbit_password_hashing_sha256", "":
		return sha256.New
	case "rabbit_password_hashing_sha512":
		return sha512.New
	case "rabbit_password_hashing_md5":
		return md5.New
	}
	return nil
}

// HashPassword computes RabbitMQ's salted hash: base64(salt ++ H(salt ++ password)),
// with a 4-byte salt.
func HashPassword(algorithm string, salt []byte, password string) (string, bool) {
	h := hasher(algorithm)
	if h == nil {
		return "", false
	}
	d := h()
	d.Write(salt)
	d.Write([]byte(password))
	return base64.StdEncoding.EncodeToString(append(append([]byte{}, salt...), d.Sum(nil)...)), true
}

// PasswordMatches reports whether password is the one behind a stored hash, by hashing
// it with the stored hash's own salt: nothing is sent, nothing is reset.
func PasswordMatches(algorithm, stored, password string) bool {
	raw, err := base64.StdEncoding.DecodeString(stored)
	if err != nil || len(raw) < 5 {
		return false
	}
	got, ok := HashPassword(algorithm, raw[:4], password)
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(stored)) == 1
}
