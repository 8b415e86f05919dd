// `express4` is the npm alias of express@4 (devDependency); it has the same call shape as the
// Express 5 types for everything these tests use.
declare module 'express4' {
  import express from 'express';
  export default express;
}
