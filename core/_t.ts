import { renderScene, sceneFor } from "./src/seed/pictures";
import { rng } from "./src/seed/random";
import { deflateSync } from "node:zlib";
const r = rng(1);
for (const size of [160, 480, 1200]) {
  const t = performance.now(); let bytes = 0;
  for (let i = 0; i < 50; i++) bytes += renderScene(sceneFor(i, r), size).length;
  console.log(size, ((performance.now() - t) / 50).toFixed(2), "ms", (bytes / 50 / 1024).toFixed(1), "KB");
}
const raw = new Uint8Array(1201*3*1200);
let t = performance.now(); for (let i=0;i<20;i++) deflateSync(raw,{level:6}); console.log("deflate zeros l6", (performance.now()-t)/20);
t = performance.now(); for (let i=0;i<20;i++) deflateSync(raw,{level:1}); console.log("deflate zeros l1", (performance.now()-t)/20);
