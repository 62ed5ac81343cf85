export { type RevocationContractCase, type RevocationContractSubject, revocationStoreContract } from "./revocation-contract.js";
export { parseSetCookie, type SetCookie } from "./set-cookie.js";
export { type StoreContractCase, type StoreContractSubject, type StoreExtension, sessionStoreContract } from "./store-contract.js";
export { type RequestOptions, TestClient, type TestClientOptions, TestResponse } from "./test-client.js";
export {
  type CloseResult,
  TestWebSocket,
  type WsConnectOptions,
  WsHandshakeError,
  WsTestClient,
  type WsTestClientOptions,
} from "./ws-test-client.js";
