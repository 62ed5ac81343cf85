/**
 * Refusing an upgrade: the socket has no ServerResponse yet, so the HTTP answer (status,
 * the JSON error envelope, `connection: close`) is written on it by the raw error writer.
 */
export { writeRawError as refuse } from "../../http/raw-error.js";
