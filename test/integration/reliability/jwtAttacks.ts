import {
  assembleToken,
  AUDIENCE,
  createRsaSigningKey,
  ISSUER,
  signHs256,
  signRs256,
  validClaims,
  withForeignSignature,
  type RsaSigningKey,
} from './hostileTokens';

const FAR_FUTURE = Math.floor(Date.UTC(9999, 0, 1) / 1000);
const inAnHour = (): number => Math.floor(Date.now() / 1000) + 3600;

/** [what, token] pairs every authenticated route must refuse with 401, for a host verifying HS256 with `secret`. */
export async function secretHostAttacks(secret: string): Promise<Array<[string, string]>> {
  const attacker = await createRsaSigningKey('attacker');
  const claims = validClaims({ iss: undefined, aud: undefined });
  const honest = await signHs256(secret, claims);
  return [
    ['alg none', assembleToken({ alg: 'none', typ: 'JWT' }, claims)],
    ['alg NONE with a signature', assembleToken({ alg: 'NONE' }, claims, 'c2lnbmF0dXJl')],
    ['alg none, signature of an honest token', withForeignSignature(assembleToken({ alg: 'none' }, claims), honest)],
    ['RS256 signed with an attacker key', await signRs256(attacker, claims)],
    ['HS512 with the right secret', await signHs512(secret, claims)],
    ['another secret', await signHs256('an-attacker-secret-that-is-32-bytes-long', claims)],
    ['exp in year 9999, wrong signature', await signHs256('x'.repeat(40), { ...claims, exp: FAR_FUTURE })],
    [
      'other claims under an honest signature',
      withForeignSignature(await signHs256('y'.repeat(40), { ...claims, sub: 'someone-else' }), honest),
    ],
    ['not yet valid (nbf in an hour)', await signHs256(secret, { ...claims, nbf: inAnHour(), exp: inAnHour() + 60 })],
    [
      'expired an hour ago',
      await signHs256(secret, { ...claims, iat: 1, nbf: 1, exp: Math.floor(Date.now() / 1000) - 3600 }),
    ],
    ['no exp', await signHs256(secret, { ...claims, exp: undefined })],
    ['exp as a string', await signHs256(secret, { ...claims, exp: String(FAR_FUTURE) })],
    ['a forged kid path', await signHs256('z'.repeat(40), claims, '../../../../dev/null')],
    ['two segments', honest.split('.').slice(0, 2).join('.')],
    ['four segments', `${honest}.AAAA`],
    ['bad base64 header', `%%%.${honest.split('.')[1]}.${honest.split('.')[2]}`],
    ['JSON header that is an array', assembleToken([] as unknown as Record<string, unknown>, claims, 'AAAA')],
    ['unicode in the token', `${honest.slice(0, 10)}\u00e9${honest.slice(11)}`],
  ];
}

/** The same for a host verifying RS256 from a JWKS that publishes `realKey`, with issuer and audience required. */
export async function jwksHostAttacks(realKey: RsaSigningKey): Promise<Array<[string, string]>> {
  const attacker = await createRsaSigningKey(realKey.kid);
  const claims = validClaims();
  const honest = await signRs256(realKey, claims);
  return [
    ['alg none', assembleToken({ alg: 'none', kid: realKey.kid }, claims)],
    ['HS256 keyed with the public key PEM', await signHs256(realKey.spkiPem, claims, realKey.kid)],
    ['HS256 keyed with the public JWK', await signHs256(JSON.stringify(realKey.jwk), claims, realKey.kid)],
    ['HS256 keyed with the modulus', await signHs256(Buffer.from(realKey.jwk.n!, 'base64url'), claims, realKey.kid)],
    ['the real kid, an attacker key', await signRs256(attacker, claims)],
    ['an unknown kid', await signRs256(attacker, claims, 'forged-kid')],
    ['a kid that is a path', await signRs256(attacker, claims, '../../../../etc/passwd')],
    ['a kid that is SQL', await signRs256(attacker, claims, "' OR '1'='1")],
    [
      'exp in year 9999, wrong signature',
      withForeignSignature(await signRs256(attacker, { ...claims, exp: FAR_FUTURE }), honest),
    ],
    ['not yet valid (nbf in an hour)', await signRs256(realKey, { ...claims, nbf: inAnHour(), exp: inAnHour() + 60 })],
    ['wrong issuer', await signRs256(realKey, { ...claims, iss: 'https://evil.example/' })],
    ['issuer with a trailing slash', await signRs256(realKey, { ...claims, iss: `${ISSUER}/` })],
    ['wrong audience', await signRs256(realKey, { ...claims, aud: 'api://another-app' })],
    ['no audience', await signRs256(realKey, { ...claims, aud: undefined })],
    ['no issuer', await signRs256(realKey, { ...claims, iss: undefined })],
    ['audience list without ours', await signRs256(realKey, { ...claims, aud: ['api://x', `${AUDIENCE}/`] })],
  ];
}

async function signHs512(secret: string, claims: Record<string, unknown>): Promise<string> {
  const { SignJWT } = await import('jose');
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS512' }).sign(new TextEncoder().encode(secret));
}
