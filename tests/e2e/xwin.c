/*
 * xwin: what a window manager would do to the app's window, for the end-to-end tests (Xvfb has
 * no window manager, and the tests must not need one).
 *
 *   xwin state TITLE   prints "viewable", "unmapped" or "absent" for the top-level window
 *                      named TITLE
 *   xwin close TITLE   asks that window to close, as a title bar's close button does
 *                      (WM_PROTOCOLS / WM_DELETE_WINDOW client message); exits 1 if absent
 *
 * Built by scripts/test-app: cc -o xwin xwin.c -lX11
 */
#include <stdio.h>
#include <string.h>
#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>

static int named(Display *dpy, Window w, const char *title) {
  char *name = NULL;
  int match = 0;
  if (XFetchName(dpy, w, &name) && name) {
    match = strcmp(name, title) == 0;
    XFree(name);
  }
  return match;
}

/* The top-level window named `title` that speaks WM_DELETE_WINDOW (GTK also makes unnamed
 * helper windows), or 0. */
static Window find(Display *dpy, const char *title, Atom delete_window) {
  Window root = DefaultRootWindow(dpy), parent, *children = NULL, found = 0;
  unsigned int n = 0;
  if (!XQueryTree(dpy, root, &root, &parent, &children, &n)) return 0;
  for (unsigned int i = 0; i < n && !found; i++) {
    if (!named(dpy, children[i], title)) continue;
    Atom *protocols = NULL;
    int count = 0;
    if (XGetWMProtocols(dpy, children[i], &protocols, &count)) {
      for (int j = 0; j < count; j++)
        if (protocols[j] == delete_window) found = children[i];
      XFree(protocols);
    }
  }
  if (children) XFree(children);
  return found;
}

int main(int argc, char **argv) {
  if (argc != 3 || (strcmp(argv[1], "state") && strcmp(argv[1], "close"))) {
    fprintf(stderr, "usage: xwin state|close TITLE\n");
    return 2;
  }
  Display *dpy = XOpenDisplay(NULL);
  if (!dpy) {
    fprintf(stderr, "xwin: cannot open the display\n");
    return 2;
  }
  Atom protocols = XInternAtom(dpy, "WM_PROTOCOLS", False);
  Atom delete_window = XInternAtom(dpy, "WM_DELETE_WINDOW", False);
  Window w = find(dpy, argv[2], delete_window);
  int status = 0;
  if (!strcmp(argv[1], "state")) {
    XWindowAttributes attrs;
    if (!w || !XGetWindowAttributes(dpy, w, &attrs)) {
      puts("absent");
    } else {
      puts(attrs.map_state == IsViewable ? "viewable" : "unmapped");
    }
  } else if (!w) {
    fprintf(stderr, "xwin: no window named \"%s\"\n", argv[2]);
    status = 1;
  } else {
    XEvent ev;
    memset(&ev, 0, sizeof ev);
    ev.xclient.type = ClientMessage;
    ev.xclient.window = w;
    ev.xclient.message_type = protocols;
    ev.xclient.format = 32;
    ev.xclient.data.l[0] = (long)delete_window;
    ev.xclient.data.l[1] = CurrentTime;
    XSendEvent(dpy, w, False, NoEventMask, &ev);
    XFlush(dpy);
  }
  XCloseDisplay(dpy);
  return status;
}
