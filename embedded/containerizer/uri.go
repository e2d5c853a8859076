package containerizer

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"strings"
)

// uriBasename is Fetcher::basename (src/slave/containerizer/fetcher.cpp):
// URIs are treated like file paths; for "scheme://" URIs the part after the
// last '/' of the path is the name. It rejects '\\', '\” and NUL.
func uriBasename(uri string) (string, error) {
	if strings.ContainsAny(uri, "\\'\x00") {
		return "", errors.New("illegal characters in URI")
	}
	if i := strings.Index(uri, "://"); i > 1 {
		p := uri[i+3:]
		slash := strings.IndexByte(p, '/')
		if slash < 0 || len(p) <= slash+1 {
			return "", fmt.Errorf("malformed URI (missing path): %s", uri)
		}
		return p[strings.LastIndexByte(p, '/')+1:], nil
	}
	return path.Base(uri), nil
}

// validateURI is Fetcher::validateUri, plus a check that the derived file
// name is usable inside the sandbox.
func validateURI(uri string) error {
	if strings.TrimSpace(uri) == "" {
		return errors.New("URI is empty")
	}
	base, err := uriBasename(strings.TrimLeft(uri, " \t\n\r"))
	if err != nil {
		return err
	}
	if base == "" || base == "." || base == ".." || base == "/" {
		return fmt.Errorf("URI %q does not name a file", uri)
	}
	return nil
}

// validateOutputFile is Fetcher::validateOutputFile, which only rejects
// absolute paths; we also reject paths whose ".." components leave the
// sandbox (Mesos's TODO "Check that the filename's directory component is
// actually a subdirectory of the sandbox").
func validateOutputFile(p string) error {
	if p == "" {
		return errors.New("URI output file path is empty")
	}
	if strings.HasPrefix(p, "/") {
		return errors.New("URI output file must be within the sandbox directory")
	}
	if strings.ContainsRune(p, 0) {
		return errors.New("URI output file contains NUL")
	}
	c := filepath.Clean(p)
	if c == "." || c == ".." || strings.HasPrefix(c, "../") || strings.HasSuffix(p, "/") {
		return fmt.Errorf("URI output file %q must name a file within the sandbox directory", p)
	}
	return nil
}

// isNetURI is Fetcher::isNetUri restricted to what Go's net/http speaks.
func isNetURI(uri string) bool {
	return strings.HasPrefix(uri, "http://") || strings.HasPrefix(uri, "https://")
}

// uriToLocalPath is Fetcher::uriToLocalPath: "file://" URIs and strings
// without a scheme are local paths; ok is false for other schemes. Relative
// paths need a frameworks home, which we do not support (Mesos errors the
// same way when --frameworks_home is unset).
func uriToLocalPath(uri string) (p string, ok bool, err error) {
	isFile := strings.HasPrefix(uri, "file://")
	if !isFile && strings.Contains(uri, "://") {
		return "", false, nil
	}
	p = uri
	if isFile {
		u, perr := url.Parse(uri)
		if perr != nil {
			return "", true, fmt.Errorf("parse file URI: %w", perr)
		}
		if u.Host != "" && u.Host != "localhost" {
			return "", true, fmt.Errorf("file URI host %q is not local", u.Host)
		}
		p = u.Path
		if !filepath.IsAbs(p) {
			return "", true, errors.New("file URI only supports absolute paths")
		}
	}
	if !filepath.IsAbs(p) {
		return "", true, errors.New("a relative path was passed for the resource but the Mesos framework home was not specified")
	}
	return p, true, nil
}
