import type { Params } from './params.js';
import { exceptions } from './remote-exception.js';

export interface AuthenticationOptions {
  /**
   * Security on: every request must carry a known `delegation` token (the
   * emulator has no Kerberos, so SPNEGO is never offered). Default false.
   */
  secure: boolean;
  /** Delegation tokens the emulator accepts, each with the user it encodes. */
  delegationTokens: ReadonlyMap<string, string>;
}

/** The user the namenode gives a request with no `user.name` when security is off (hadoop.http.staticuser.user). */
export const STATIC_WEB_USER = 'dr.who';

/**
 * Who a request acts as (WebHDFS REST API, "Authentication"): the user a
 * `delegation` token encodes; with security off, else the `user.name`
 * parameter or the static web user. An unknown token, or none when security
 * is on, is a SecurityException (401).
 */
export function authenticate(params: Params, options: AuthenticationOptions): string {
  const token = params.string('delegation');
  if (token !== undefined) {
    const user = options.delegationTokens.get(token);
    if (user === undefined) {
      throw exceptions.security(
        'Failed to obtain user group information: org.apache.hadoop.security.token.SecretManager$InvalidToken: token is expired or does not exist',
      );
    }
    return user;
  }
  if (options.secure) {
    throw exceptions.security('Failed to obtain user group information: java.io.IOException: Security enabled but user not authenticated by filter');
  }
  return params.string('user.name') ?? STATIC_WEB_USER;
}
