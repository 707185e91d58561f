// os: environment variables, the OS process id, signal dispositions.
//
// Like the reference, the VM keeps its own copy of the environment, made
// from the process's at first use: os:putenv/2 and os:unsetenv/1 change the
// copy (which ports will hand to the programs they start), never the C
// library's (setenv is not safe while other threads read the environment).
// The copy is a red-black tree ordered by name bytes, and os:env/0 lists it
// in the reference's order: names and values are native strings
// (bifs/native_name.h).
#include <signal.h>
#include <unistd.h>
#include <uv.h>

#include <cstring>
#include <future>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "bifs/native_name.h"
#include "bifs/os_env.h"
#include "bifs/text.h"
#include "vm/atom_table.h"
#include "vm/epoch.h"
#include "vm/io_loop.h"
#include "vm/registry.h"
#include "vm/signals.h"

extern char** environ;

namespace bvm {

namespace {

// ---------------------------------------------------------------- the tree

// A red-black tree (insertion and deletion as in Cormen et al.), so that the
// shape, and with it the order os:env/0 lists variables in, is the
// reference's for the same sequence of changes.
class EnvTree {
 public:
  struct Node {
    Node* parent = nullptr;
    Node* left = nullptr;
    Node* right = nullptr;
    bool red = false;
    std::string key, value;
  };

  ~EnvTree() { destroy(root_); }

  const std::string* get(const std::string& key) const {
    Node* n = find(key);
    return n ? &n->value : nullptr;
  }

  void put(const std::string& key, const std::string& value) {
    if (Node* n = find(key)) {
      n->value = value;  // the node keeps its place
      return;
    }
    Node* n = new Node();
    n->key = key;
    n->value = value;
    n->red = true;
    Node* parent = nullptr;
    for (Node* at = root_; at;) {
      parent = at;
      at = less(key, at->key) ? at->left : at->right;
    }
    n->parent = parent;
    if (!parent) root_ = n;
    else if (less(key, parent->key)) parent->left = n;
    else parent->right = n;
    insert_fixup(n);
  }

  void erase(const std::string& key) {
    if (Node* n = find(key)) {
      remove(n);
      delete n;
    }
  }

  // Children before their parent, left before right (the reference lists
  // its tree this way).
  template <class F>
  void for_each_postorder(F f) const {
    std::vector<std::pair<const Node*, bool>> stack;
    if (root_) stack.push_back({root_, false});
    while (!stack.empty()) {
      auto [n, expanded] = stack.back();
      stack.pop_back();
      if (expanded) {
        f(n->key, n->value);
        continue;
      }
      stack.push_back({n, true});
      if (n->right) stack.push_back({n->right, false});
      if (n->left) stack.push_back({n->left, false});
    }
  }

 private:
  Node* root_ = nullptr;

  // Bytes compared up to the shorter length, then the shorter first.
  static int compare(const std::string& a, const std::string& b) {
    int c = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
    if (c) return c;
    return a.size() < b.size() ? -1 : a.size() == b.size() ? 0 : 1;
  }
  static bool less(const std::string& a, const std::string& b) { return compare(a, b) < 0; }

  Node* find(const std::string& key) const {
    for (Node* n = root_; n;) {
      int c = compare(key, n->key);
      if (c == 0) return n;
      n = c < 0 ? n->left : n->right;
    }
    return nullptr;
  }

  static void destroy(Node* n) {
    if (!n) return;
    destroy(n->left);
    destroy(n->right);
    delete n;
  }

  static bool is_red(const Node* n) { return n && n->red; }

  void set_child(Node* parent, Node* old_child, Node* new_child) {
    if (!parent) root_ = new_child;
    else if (parent->left == old_child) parent->left = new_child;
    else parent->right = new_child;
  }

  void rotate_left(Node* x) {
    Node* y = x->right;
    x->right = y->left;
    if (y->left) y->left->parent = x;
    y->parent = x->parent;
    set_child(x->parent, x, y);
    y->left = x;
    x->parent = y;
  }

  void rotate_right(Node* x) {
    Node* y = x->left;
    x->left = y->right;
    if (y->right) y->right->parent = x;
    y->parent = x->parent;
    set_child(x->parent, x, y);
    y->right = x;
    x->parent = y;
  }

  void insert_fixup(Node* z) {
    while (is_red(z->parent)) {
      Node* p = z->parent;
      Node* g = p->parent;
      if (p == g->left) {
        Node* u = g->right;
        if (is_red(u)) {
          p->red = u->red = false;
          g->red = true;
          z = g;
          continue;
        }
        if (z == p->right) {
          z = p;
          rotate_left(z);
          p = z->parent;
        }
        p->red = false;
        g->red = true;
        rotate_right(g);
      } else {
        Node* u = g->left;
        if (is_red(u)) {
          p->red = u->red = false;
          g->red = true;
          z = g;
          continue;
        }
        if (z == p->left) {
          z = p;
          rotate_right(z);
          p = z->parent;
        }
        p->red = false;
        g->red = true;
        rotate_left(g);
      }
    }
    root_->red = false;
  }

  // Puts y where z is (y takes z's children and colour).
  void take_place(Node* z, Node* y) {
    y->parent = z->parent;
    set_child(z->parent, z, y);
    y->left = z->left;
    y->right = z->right;
    if (y->left) y->left->parent = y;
    if (y->right) y->right->parent = y;
    y->red = z->red;
  }

  void remove(Node* z) {
    // The node to splice out: z itself, or its successor if z has two children.
    Node* y = z;
    if (z->left && z->right)
      for (y = z->right; y->left;) y = y->left;
    Node* x = y->left ? y->left : y->right;
    bool removed_black = !y->red;
    Node* p = y->parent;
    Node placeholder;  // stands for a missing x while the tree is repaired
    if (x) {
      x->parent = p;
    } else if (removed_black) {
      x = &placeholder;
      x->parent = p;
    }
    set_child(p, y, x);
    if (y != z) {
      if (x && x->parent == z) x->parent = y;
      take_place(z, y);
    }
    if (removed_black) {
      delete_fixup(x);
      if (x == &placeholder) set_child(placeholder.parent, &placeholder, nullptr);
    }
  }

  void delete_fixup(Node* x) {
    while (x != root_ && !x->red) {
      Node* p = x->parent;
      if (x == p->left) {
        Node* w = p->right;
        if (w->red) {
          w->red = false;
          p->red = true;
          rotate_left(p);
          w = p->right;
        }
        if (!is_red(w->left) && !is_red(w->right)) {
          w->red = true;
          x = p;
        } else {
          if (!is_red(w->right)) {
            w->left->red = false;
            w->red = true;
            rotate_right(w);
            w = p->right;
          }
          w->red = p->red;
          p->red = false;
          w->right->red = false;
          rotate_left(p);
          x = root_;
        }
      } else {
        Node* w = p->left;
        if (w->red) {
          w->red = false;
          p->red = true;
          rotate_right(p);
          w = p->left;
        }
        if (!is_red(w->left) && !is_red(w->right)) {
          w->red = true;
          x = p;
        } else {
          if (!is_red(w->left)) {
            w->right->red = false;
            w->red = true;
            rotate_left(w);
            w = p->left;
          }
          w->red = p->red;
          p->red = false;
          w->left->red = false;
          rotate_right(p);
          x = root_;
        }
      }
    }
    x->red = false;
  }
};

struct OsEnv {
  std::shared_mutex lock;
  EnvTree tree;
};

OsEnv& os_env() {
  static OsEnv* env = [] {
    auto* e = new OsEnv();
    for (char** v = environ; *v; v++) {
      const char* eq = std::strchr(*v, '=');
      if (eq) e->tree.put(std::string(*v, size_t(eq - *v)), std::string(eq + 1));
    }
    return e;
  }();
  return *env;
}

// A variable name: a string without '='. (The empty name is accepted, as
// the reference does.)
bool env_name(Term t, std::string& out) {
  if (is_atom(t) || !chars_to_native(t, out)) return false;
  return out.find('=') == std::string::npos;
}

bool env_value(Term t, std::string& out) { return !is_atom(t) && chars_to_native(t, out); }

// ---------------------------------------------------------------- signals

struct SignalName {
  const char* name;
  int signum;
};
// The signals os:set_signal/2 can change.
const SignalName signal_names[] = {
    {"sighup", SIGHUP},   {"sigquit", SIGQUIT}, {"sigabrt", SIGABRT}, {"sigalrm", SIGALRM},
    {"sigterm", SIGTERM}, {"sigusr1", SIGUSR1}, {"sigusr2", SIGUSR2}, {"sigchld", SIGCHLD},
    {"sigstop", SIGSTOP}, {"sigtstp", SIGTSTP},
};

// Handled signals are watched by the I/O loop, which tells the registered
// process erl_signal_server {notify, Signal}. Only touched on the loop thread.
struct SignalWatch {
  uv_signal_t handle;
  Term name;
  bool active = false;
};
SignalWatch signal_watches[sizeof signal_names / sizeof signal_names[0]];

void notify_signal_server(uv_signal_t* h, int) {
  auto* w = static_cast<SignalWatch*>(h->data);
  static const Term server = atom_put("erl_signal_server"), notify = atom_put("notify");
  EpochGuard pinned;
  Term pid = registry_whereis(server);
  if (pid == NON_VALUE) return;
  Term msg[3] = {make_header(2, Sub::Tuple), notify, w->name};
  signal_send(pid, signal_new(SigKind::Message, NON_VALUE, make_boxed(msg)));
}

// On the loop thread: the disposition of signal i.
void set_disposition(size_t i, int how) {
  SignalWatch& w = signal_watches[i];
  int signum = signal_names[i].signum;
  if (w.active) {
    uv_signal_stop(&w.handle);
    w.active = false;
  }
  if (how == 2) {
    static bool ready[sizeof signal_names / sizeof signal_names[0]];
    if (!ready[i]) {
      uv_signal_init(io_loop(), &w.handle);
      w.handle.data = &w;
      w.name = atom_put(signal_names[i].name);
      ready[i] = true;
    }
    // SIGSTOP cannot be caught: the reference ignores that failure too.
    w.active = uv_signal_start(&w.handle, notify_signal_server, signum) == 0;
    return;
  }
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = how == 0 ? SIG_IGN : SIG_DFL;
  sigemptyset(&sa.sa_mask);
  (void)sigaction(signum, &sa, nullptr);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> os_env_entries() {
  OsEnv& env = os_env();
  std::shared_lock<std::shared_mutex> g(env.lock);
  std::vector<std::pair<std::string, std::string>> out;
  env.tree.for_each_postorder([&](const std::string& k, const std::string& v) { out.emplace_back(k, v); });
  return out;
}

BIF_FN(os_getenv_1) {
  std::string name;
  if (!env_name(args[0], name)) return raise_badarg(p);
  OsEnv& env = os_env();
  std::shared_lock<std::shared_mutex> g(env.lock);
  const std::string* v = env.tree.get(name);
  return v ? native_to_chars(p, *v) : am::false_;
}

BIF_FN(os_putenv_2) {
  std::string name, value;
  if (!env_name(args[0], name) || !env_value(args[1], value)) return raise_badarg(p);
  OsEnv& env = os_env();
  std::unique_lock<std::shared_mutex> g(env.lock);
  env.tree.put(name, value);
  return am::true_;
}

BIF_FN(os_unsetenv_1) {
  std::string name;
  if (!env_name(args[0], name)) return raise_badarg(p);
  OsEnv& env = os_env();
  std::unique_lock<std::shared_mutex> g(env.lock);
  env.tree.erase(name);
  return am::true_;
}

BIF_FN(os_env_0) {
  (void)args;
  OsEnv& env = os_env();
  std::shared_lock<std::shared_mutex> g(env.lock);
  Term l = NIL;
  env.tree.for_each_postorder([&](const std::string& k, const std::string& v) {
    l = make_cons(p, make_tuple(p, {native_to_chars(p, k), native_to_chars(p, v)}), l);
  });
  return l;
}

BIF_FN(os_getpid_0) {
  (void)args;
  return make_string(p, std::to_string(::getpid()));
}

BIF_FN(os_set_signal_2) {
  static const Term ignore = atom_put("ignore"), default_ = atom_put("default"), handle = atom_put("handle"),
                    badopt = atom_put("badopt");
  Term how_t = args[1];
  int how = how_t == ignore ? 0 : how_t == default_ ? 1 : how_t == handle ? 2 : -1;
  if (how < 0) return raise_error_cause(p, am::badarg, badopt);
  if (!is_atom(args[0])) return raise_badarg(p);
  std::string_view name = atom_text(args[0]);
  for (size_t i = 0; i < sizeof signal_names / sizeof signal_names[0]; i++) {
    if (name != signal_names[i].name) continue;
    // Dispositions change on the I/O loop thread (which owns the watches);
    // the call returns once it is done.
    io_loop_start();
    auto done = std::make_shared<std::promise<void>>();
    std::future<void> finished = done->get_future();
    io_loop_post([i, how, done] {
      set_disposition(i, how);
      done->set_value();
    });
    finished.wait();
    return am::ok;
  }
  return raise_badarg(p);
}

}  // namespace bvm
