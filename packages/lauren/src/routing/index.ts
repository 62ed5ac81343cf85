export { EMPTY_PARAMS, type Found, joinPath, normalise, type PathEntry, Router } from "./router.js";
