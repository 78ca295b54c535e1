import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ErrorNotice, GOOGLE_STORAGE_URL } from "./ErrorNotice";
import { AppProvider } from "../app/AppContext";
import { mockBackend } from "../test/render";

describe("ErrorNotice branches on code and shows the message", () => {
  it("TokenExpired → a Log in again button", async () => {
    const onLogin = vi.fn();
    render(<ErrorNotice error={{ code: "TokenExpired", message: "GoPro needs you to log in again." }} actions={{ onLogin }} />);
    expect(screen.getByRole("alert")).toHaveProperty("textContent", expect.stringContaining("GoPro needs you to log in again."));
    await userEvent.click(screen.getByRole("button", { name: "Log in again" }));
    expect(onLogin).toHaveBeenCalledOnce();
  });

  it("QuotaExceeded → the reset time in local time (tests run in New York)", () => {
    render(
      <ErrorNotice
        error={{ code: "QuotaExceeded", message: "Google's daily upload limit was reached." }}
        actions={{ resetsAt: "2026-05-21T07:00:00Z", now: new Date("2026-05-20T14:00:00-04:00") }}
      />,
    );
    const alert = screen.getByRole("alert");
    expect(alert.textContent).toContain("daily limit");
    expect(alert.textContent).toMatch(/resets tomorrow at 0?3:00/i);
  });

  it("StorageFull → the Google storage page, opened through open_url", async () => {
    const b = mockBackend();
    const openUrl = vi.spyOn(b, "openUrl");
    render(
      <AppProvider backend={b}>
        <ErrorNotice error={{ code: "StorageFull", message: "Your Google storage is full." }} />
      </AppProvider>,
    );
    expect(screen.queryByRole("link")).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: /free up space/i }));
    expect(openUrl).toHaveBeenCalledWith(GOOGLE_STORAGE_URL);
    // The backend refuses anything but Google Photos links; this one is one.
    await expect(b.openUrl(GOOGLE_STORAGE_URL)).resolves.toBeNull();
  });

  it("Network → Try again; never shows the code itself", async () => {
    const onRetry = vi.fn();
    render(<ErrorNotice error={{ code: "Network", message: "The internet connection dropped." }} actions={{ onRetry }} />);
    await userEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(onRetry).toHaveBeenCalled();
    expect(screen.getByRole("alert").textContent).not.toContain("Network");
  });
});
