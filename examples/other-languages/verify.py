"""Verify a Tessera access token in Python with joserfc (pip install joserfc).

Usage: TESSERA_ISSUER=https://auth.example.com TESSERA_AUDIENCE=orders-api python3 verify.py TOKEN
Prints the token's claims as JSON and exits 0, or prints the reason and exits 1.
"""
import json
import os
import sys
import urllib.request

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

ISSUER = os.environ["TESSERA_ISSUER"].rstrip("/")
AUDIENCE = os.environ.get("TESSERA_AUDIENCE", "tessera")
# Name the algorithms you accept; never take the token's word for it.
ALGORITHMS = ["ES256"]


def fetch_json(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


# Fetch once at start-up and keep it; refetch when a token names an unknown kid (key rotation).
jwks = KeySet.import_key_set(fetch_json(f"{ISSUER}/.well-known/jwks.json"))

claims_rules = jwt.JWTClaimsRegistry(
    leeway=30,  # seconds of clock skew, as Tessera's own verifier
    iss={"essential": True, "value": ISSUER},
    aud={"essential": True, "value": AUDIENCE},
    exp={"essential": True},
    sub={"essential": True},
)


def verify(token):
    decoded = jwt.decode(token, jwks, algorithms=ALGORITHMS)
    # Tessera access tokens are typed "at+jwt" (RFC 9068): refuse any other JWT, e.g. an ID token.
    typ = str(decoded.header.get("typ", "")).lower()
    if typ not in ("at+jwt", "application/at+jwt"):
        raise JoseError(f"typ is {typ!r}, not at+jwt")
    claims_rules.validate(decoded.claims)
    return decoded.claims


if __name__ == "__main__":
    try:
        print(json.dumps(verify(sys.argv[1])))
    except (JoseError, ValueError) as err:
        print(f"invalid token: {err}", file=sys.stderr)
        sys.exit(1)
