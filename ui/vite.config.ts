import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The app runs inside Tauri's webview under a strict CSP (see README "CSP"): the build must not
// need inline scripts, eval or remote assets. Vite's output is external module scripts and CSS
// files only.
export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  server: { port: 1420, strictPort: true },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    // Inlined assets would become data: URLs; keep every asset a file so img-src 'self' suffices.
    assetsInlineLimit: 0,
  },
});
