// @tessera/verify/node: the node:http wrapper plus the framework-neutral API (the same names as the
// package root; this entry exists so every runtime has its own import path).
export * from './index.js';
