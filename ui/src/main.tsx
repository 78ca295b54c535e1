import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { AppProvider } from "./app/AppContext";
import { App } from "./app/App";
import { selectBackend } from "./ipc";
import "./styles/base.css";
import "./styles/components.css";
import "./styles/screens.css";

const root = document.getElementById("root");
if (!root) throw new Error("no #root element");
createRoot(root).render(
  <StrictMode>
    <AppProvider backend={selectBackend()}>
      <App />
    </AppProvider>
  </StrictMode>,
);
