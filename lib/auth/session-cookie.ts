/** The session cookie's name (shared by the proxy, which must not import server modules). */
export const SESSION_COOKIE = "trellis_session";

/** How long a login lasts. */
export const SESSION_DAYS = 14;
