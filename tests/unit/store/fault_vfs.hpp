// SPDX-License-Identifier: Apache-2.0
// A SQLite VFS that wraps the default one and fails writes on command: the
// store's code runs unchanged (it is made the default VFS while it lives),
// and the disk turns full, read-only or broken under it after N writes.
//
// Writes are xWrite, xTruncate and xSync on any file (the database, its
// WAL, its journal) — what a full or read-only file system refuses. Reads
// always work. One FaultVfs at a time; not for use from several threads.
#pragma once

#include <sqlite3.h>

#include <cstring>
#include <stdexcept>

namespace syndicd::store::testing {

class FaultVfs {
 public:
  FaultVfs() {
    real_ = sqlite3_vfs_find(nullptr);
    if (real_ == nullptr) throw std::runtime_error("no default SQLite VFS");
    vfs_ = *real_;
    vfs_.zName = "syndicd-fault";
    vfs_.szOsFile = static_cast<int>(sizeof(File)) + real_->szOsFile;
    vfs_.pAppData = this;
    vfs_.xOpen = &FaultVfs::open;
    instance() = this;
    if (sqlite3_vfs_register(&vfs_, 1) != SQLITE_OK)
      throw std::runtime_error("sqlite3_vfs_register failed");
  }
  ~FaultVfs() {
    sqlite3_vfs_unregister(&vfs_);
    instance() = nullptr;
  }
  FaultVfs(const FaultVfs&) = delete;
  FaultVfs& operator=(const FaultVfs&) = delete;

  /// After `writes` more successful writes, every write fails with `code`
  /// (SQLITE_FULL, SQLITE_IOERR_WRITE, SQLITE_READONLY, ...) until heal().
  void fail_after(int writes, int code) {
    writes_left_ = writes;
    code_ = code;
  }
  void heal() { writes_left_ = -1; }
  /// Writes refused so far.
  int refused() const { return refused_; }

 private:
  // Our file object, with the real VFS's file right behind it.
  struct File {
    sqlite3_file base;
    sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
  };

  static FaultVfs*& instance() {
    static FaultVfs* current = nullptr;
    return current;
  }

  // 0: go ahead; else the error to return.
  static int fault() {
    FaultVfs* self = instance();
    if (self == nullptr || self->writes_left_ < 0) return SQLITE_OK;
    if (self->writes_left_ > 0) {
      --self->writes_left_;
      return SQLITE_OK;
    }
    ++self->refused_;
    return self->code_;
  }

  static sqlite3_file* real(sqlite3_file* file) { return reinterpret_cast<File*>(file)->real(); }

  static int open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out) {
    auto* self = static_cast<FaultVfs*>(vfs->pAppData);
    auto* ours = reinterpret_cast<File*>(file);
    std::memset(ours, 0, sizeof(File));
    const int rc = self->real_->xOpen(self->real_, name, ours->real(), flags, out);
    // SQLite calls xClose only when pMethods is set: leave it null when the
    // real open failed to set one.
    if (ours->real()->pMethods == nullptr) return rc;
    self->methods_ = *ours->real()->pMethods;
    self->methods_.xClose = [](sqlite3_file* f) { return real(f)->pMethods->xClose(real(f)); };
    self->methods_.xRead = [](sqlite3_file* f, void* p, int n, sqlite3_int64 at) {
      return real(f)->pMethods->xRead(real(f), p, n, at);
    };
    self->methods_.xWrite = [](sqlite3_file* f, const void* p, int n, sqlite3_int64 at) {
      if (const int refused = fault()) return refused;
      return real(f)->pMethods->xWrite(real(f), p, n, at);
    };
    self->methods_.xTruncate = [](sqlite3_file* f, sqlite3_int64 size) {
      if (const int refused = fault()) return refused;
      return real(f)->pMethods->xTruncate(real(f), size);
    };
    self->methods_.xSync = [](sqlite3_file* f, int sync_flags) {
      if (const int refused = fault()) return refused;
      return real(f)->pMethods->xSync(real(f), sync_flags);
    };
    self->methods_.xFileSize = [](sqlite3_file* f, sqlite3_int64* size) {
      return real(f)->pMethods->xFileSize(real(f), size);
    };
    self->methods_.xLock = [](sqlite3_file* f, int level) {
      return real(f)->pMethods->xLock(real(f), level);
    };
    self->methods_.xUnlock = [](sqlite3_file* f, int level) {
      return real(f)->pMethods->xUnlock(real(f), level);
    };
    self->methods_.xCheckReservedLock = [](sqlite3_file* f, int* out_reserved) {
      return real(f)->pMethods->xCheckReservedLock(real(f), out_reserved);
    };
    self->methods_.xFileControl = [](sqlite3_file* f, int op, void* arg) {
      return real(f)->pMethods->xFileControl(real(f), op, arg);
    };
    self->methods_.xSectorSize = [](sqlite3_file* f) {
      return real(f)->pMethods->xSectorSize(real(f));
    };
    self->methods_.xDeviceCharacteristics = [](sqlite3_file* f) {
      return real(f)->pMethods->xDeviceCharacteristics(real(f));
    };
    if (self->methods_.iVersion >= 2) {
      self->methods_.xShmMap = [](sqlite3_file* f, int page, int size, int extend,
                                  void volatile** out_map) {
        return real(f)->pMethods->xShmMap(real(f), page, size, extend, out_map);
      };
      self->methods_.xShmLock = [](sqlite3_file* f, int offset, int n, int lock_flags) {
        return real(f)->pMethods->xShmLock(real(f), offset, n, lock_flags);
      };
      self->methods_.xShmBarrier = [](sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); };
      self->methods_.xShmUnmap = [](sqlite3_file* f, int remove) {
        return real(f)->pMethods->xShmUnmap(real(f), remove);
      };
    }
    if (self->methods_.iVersion >= 3) {
      self->methods_.xFetch = [](sqlite3_file* f, sqlite3_int64 at, int n, void** out_page) {
        return real(f)->pMethods->xFetch(real(f), at, n, out_page);
      };
      self->methods_.xUnfetch = [](sqlite3_file* f, sqlite3_int64 at, void* page) {
        return real(f)->pMethods->xUnfetch(real(f), at, page);
      };
    }
    ours->base.pMethods = &self->methods_;
    return rc;
  }

  sqlite3_vfs* real_ = nullptr;
  sqlite3_vfs vfs_{};
  // One table for every file: the real VFS gives all its files the same
  // methods (unix: one set per locking style, and the default is one style).
  sqlite3_io_methods methods_{};
  int writes_left_ = -1;
  int code_ = SQLITE_FULL;
  int refused_ = 0;
};

}  // namespace syndicd::store::testing
