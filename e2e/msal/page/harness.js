// The page side of e2e/msal: drives msalCustomAuth as an app would and hands the test plain
// summaries. Result states stay in the page (they hold live client objects); the test names
// them by the stateId a summary carries, so it can retry on the same state after an error.
// V1 (signIn, signUp, resetPassword) and V2 (signInV2, signUpV2, resetPasswordV2) results
// share the summary: V1 states expose what they offer through getters, V2 states through
// read-only properties.
(() => {
  const states = [];
  let app;

  /** Names of the zero-argument `is...()` checks on `object` (and its prototypes) that answer true. */
  function trueChecks(object) {
    const names = new Set();
    for (
      let proto = Object.getPrototypeOf(object);
      proto && proto !== Object.prototype;
      proto = Object.getPrototypeOf(proto)
    ) {
      for (const name of Object.getOwnPropertyNames(proto)) {
        if (/^is[A-Z]/.test(name) && typeof object[name] === 'function' && object[name].length === 0) names.add(name);
      }
    }
    return [...names].filter((name) => object[name]() === true).sort();
  }

  /** What a state offers the app to show: code length, methods, required attributes, where a code went. */
  function stateDetails(state) {
    const details = {};
    for (const getter of [
      'getCodeLength',
      'getCodeResendInterval',
      'getAuthMethods',
      'getRequiredAttributes',
      'getSentTo',
      'getChannel',
    ]) {
      if (typeof state[getter] === 'function')
        details[getter.slice(3, 4).toLowerCase() + getter.slice(4)] = state[getter]();
    }
    // V2: methods to choose or register, attributes asked for (the password among them), the code's length and where it went.
    for (const property of ['codeLength', 'sentTo', 'channel', 'methods', 'attributes', 'requestedPasswordAttribute']) {
      if (state[property] !== undefined) details[property] = state[property];
    }
    return details;
  }

  function errorSummary(error) {
    const data = error.errorData ?? {};
    return {
      error: data.error,
      description: data.errorDescription,
      codes: data.errorCodes,
      subError: data.subError,
      attributes: data.attributes,
      // V2 nests its errors: the check methods read the inner code and the attribute details.
      innerErrorCode: data.innerErrorCode,
      attributeValidationDetails: data.attributeValidationDetails,
      checks: trueChecks(error),
    };
  }

  function accountSummary(data) {
    if (!data || typeof data.getAccount !== 'function') return undefined;
    const account = data.getAccount();
    return {
      username: account.username,
      homeAccountId: account.homeAccountId,
      name: account.name,
      idTokenClaims: data.getClaims(),
    };
  }

  function summarize(result) {
    const state = result.state;
    const stateId = states.push(state) - 1;
    return {
      stateId,
      state: state?.stateType,
      scenario: result.scenario,
      checks: trueChecks(result),
      details: state ? stateDetails(state) : {},
      ...(result.error ? { error: errorSummary(result.error) } : {}),
      ...(accountSummary(result.data) ? { account: accountSummary(result.data) } : {}),
    };
  }

  window.harness = {
    async create(config) {
      app = await window.msalCustomAuth.CustomAuthPublicClientApplication.create(config);
    },
    /** `signUp`, `signIn` or `resetPassword` on the app, or their V2 (`signInV2`, ...). */
    async start(method, input) {
      return summarize(await app[method](input));
    },
    /** A method of an earlier state (`submitCode`, `submitPassword`, `signIn`, `requestChallenge`, ...). */
    async step(stateId, method, ...args) {
      return summarize(await states[stateId][method](...args));
    },
    /** Registration of the method `introspect` listed first, with the address the user typed. */
    async registerMethod(stateId, verificationContact) {
      const state = states[stateId];
      return summarize(
        await state.challengeAuthMethod({ authMethodType: state.getAuthMethods()[0], verificationContact }),
      );
    },
    /**
     * V2: the method of `type` the state lists, chosen for an MFA challenge, or registered with the
     * address the user typed (`verificationContact`).
     */
    async selectAuthMethod(stateId, type, verificationContact) {
      const state = states[stateId];
      const method = state.methods.find((candidate) => candidate.type === type);
      if (!method) throw new Error(`no ${type} method among ${JSON.stringify(state.methods)}`);
      return summarize(await state.selectAuthMethod(method, verificationContact));
    },
    /** MFA challenge to the method `introspect` listed first. */
    async requestMfaCode(stateId) {
      const state = states[stateId];
      return summarize(await state.requestChallenge(state.getAuthMethods()[0].id));
    },
    currentAccount() {
      const result = app.getCurrentAccount();
      return {
        checks: trueChecks(result),
        account: accountSummary(result.data) ?? null,
        ...(result.error ? { error: errorSummary(result.error) } : {}),
      };
    },
    async accessToken(request) {
      const result = await app.getCurrentAccount().data.getAccessToken(request);
      if (result.error) return { checks: trueChecks(result), error: errorSummary(result.error) };
      const { accessToken, idToken, scopes, fromCache, expiresOn } = result.data;
      return {
        checks: trueChecks(result),
        accessToken,
        idToken,
        scopes,
        fromCache,
        expiresOn: expiresOn?.toISOString(),
      };
    },
    async signOut() {
      const current = app.getCurrentAccount();
      if (!current.data) return { checks: [], signedOut: false };
      const result = await current.data.signOut();
      return { checks: trueChecks(result), ...(result.error ? { error: errorSummary(result.error) } : {}) };
    },
    /** The refresh tokens MSAL keeps in sessionStorage (the test checks them against Baton's store). */
    cachedRefreshTokens() {
      const secrets = [];
      for (let i = 0; i < sessionStorage.length; i++) {
        const key = sessionStorage.key(i);
        if (!key.includes('refreshtoken')) continue;
        try {
          const entry = JSON.parse(sessionStorage.getItem(key));
          if (entry && typeof entry.secret === 'string') secrets.push(entry.secret);
        } catch {
          // Not an MSAL cache entry.
        }
      }
      return secrets;
    },
  };
})();
