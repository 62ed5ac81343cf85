export { EMPTY_PARAMS, joinPath, type Match, normalise, type PathEntry, Router } from "./router.js";
