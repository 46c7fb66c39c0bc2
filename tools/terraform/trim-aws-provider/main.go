// Trims a writable copy of the terraform-provider-aws module to the service packages this
// project's stacks use, so the provider builds in minutes instead of most of an hour.
//
// It rewrites two generated files of the provider's own source, nothing else:
//   - internal/provider/sdkv2/service_packages_gen.go: the provider's list of service packages
//     keeps only the requested ones (every requested name must exist there);
//   - internal/conns/awsclient_gen.go: the typed AWS SDK client getters keep only those that the
//     packages still linked into the provider call, so unused AWS SDK service packages drop out.
//
// Resource types of the removed services are then unknown to the provider: `terraform validate`
// rejects a stack that uses one ("does not support resource type"), so nothing is dropped silently.
//
// Usage (inside the module copy): go run main.go <module dir> <service,service,...>
package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

const (
	modulePath          = "github.com/hashicorp/terraform-provider-aws"
	servicePackagesFile = "internal/provider/sdkv2/service_packages_gen.go"
	awsClientFile       = "internal/conns/awsclient_gen.go"
	sdkServicePrefix    = "github.com/aws/aws-sdk-go-v2/service/"
)

func main() {
	if len(os.Args) != 3 {
		fail("usage: trim-aws-provider <module dir> <service,service,...>")
	}
	dir := os.Args[1]
	keep := map[string]bool{}
	for _, name := range strings.Split(os.Args[2], ",") {
		if name = strings.TrimSpace(name); name != "" {
			keep[name] = true
		}
	}
	kept := trimServicePackages(filepath.Join(dir, servicePackagesFile), keep)
	used := clientGettersCalled(dir)
	getters, total := trimClientGetters(filepath.Join(dir, awsClientFile), used)
	fmt.Printf("trim-aws-provider: %d service packages kept: %s\n", len(kept), strings.Join(kept, ","))
	fmt.Printf("trim-aws-provider: %d of %d AWS SDK client getters kept\n", getters, total)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "trim-aws-provider: "+format+"\n", args...)
	os.Exit(1)
}

func parse(file string) (*token.FileSet, *ast.File) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, parser.ParseComments)
	if err != nil {
		fail("%v", err)
	}
	return fset, f
}

func write(file string, fset *token.FileSet, f *ast.File) {
	var buf bytes.Buffer
	if err := format.Node(&buf, fset, f); err != nil {
		fail("formatting %s: %v", file, err)
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		fail("%v", err)
	}
}

func importPath(spec *ast.ImportSpec) string {
	p, err := strconv.Unquote(spec.Path.Value)
	if err != nil {
		fail("bad import %s", spec.Path.Value)
	}
	return p
}

// dropImports removes the import specs for which drop returns true.
func dropImports(f *ast.File, drop func(path string) bool) {
	for _, decl := range f.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.IMPORT {
			continue
		}
		specs := gen.Specs[:0]
		for _, spec := range gen.Specs {
			if !drop(importPath(spec.(*ast.ImportSpec))) {
				specs = append(specs, spec)
			}
		}
		gen.Specs = specs
	}
	kept := f.Imports[:0]
	for _, spec := range f.Imports {
		if !drop(importPath(spec)) {
			kept = append(kept, spec)
		}
	}
	f.Imports = kept
}

// trimServicePackages keeps `<name>.ServicePackage(ctx)` entries and imports only for kept names.
func trimServicePackages(file string, keep map[string]bool) []string {
	fset, f := parse(file)
	servicePrefix := modulePath + "/internal/service/"
	found := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.CompositeLit)
		if !ok {
			return true
		}
		elts := lit.Elts[:0]
		for _, elt := range lit.Elts {
			call, ok := elt.(*ast.CallExpr)
			if !ok {
				elts = append(elts, elt)
				continue
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			pkg, isIdent := sel.X.(*ast.Ident)
			if !ok || !isIdent || sel.Sel.Name != "ServicePackage" {
				elts = append(elts, elt)
				continue
			}
			if keep[pkg.Name] {
				found[pkg.Name] = true
				elts = append(elts, elt)
			}
		}
		lit.Elts = elts
		return false
	})
	var missing []string
	for name := range keep {
		if !found[name] {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		fail("not service packages of this provider version: %s", strings.Join(missing, ","))
	}
	dropImports(f, func(path string) bool {
		name, isService := strings.CutPrefix(path, servicePrefix)
		return isService && !keep[name]
	})
	write(file, fset, f)
	var names []string
	for name := range found {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

var getterCall = regexp.MustCompile(`\.([A-Z][A-Za-z0-9]*Client)\(`)

// clientGettersCalled lists the `XxxClient(` method names called anywhere in the module's
// packages that the (already trimmed) provider still links, except the getters' own file.
func clientGettersCalled(dir string) map[string]bool {
	cmd := exec.Command("go", "list", "-deps", "-f", `{{if not .Standard}}{{.Dir}}{{range .GoFiles}} {{.}}{{end}}{{end}}`, ".")
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		fail("go list: %v", err)
	}
	absDir, _ := filepath.Abs(dir)
	getterFile := filepath.Join(absDir, awsClientFile)
	used := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 2 || !strings.HasPrefix(fields[0], absDir+string(filepath.Separator)) {
			continue
		}
		for _, name := range fields[1:] {
			file := filepath.Join(fields[0], name)
			if file == getterFile {
				continue
			}
			src, err := os.ReadFile(file)
			if err != nil {
				fail("%v", err)
			}
			for _, m := range getterCall.FindAllSubmatch(src, -1) {
				used[string(m[1])] = true
			}
		}
	}
	return used
}

// trimClientGetters drops the AWSClient getter methods nobody calls, then the SDK imports they used.
func trimClientGetters(file string, used map[string]bool) (kept, total int) {
	fset, f := parse(file)
	decls := f.Decls[:0]
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if ok && fn.Recv != nil && strings.HasSuffix(fn.Name.Name, "Client") {
			total++
			if !used[fn.Name.Name] {
				continue
			}
			kept++
		}
		decls = append(decls, decl)
	}
	f.Decls = decls
	referenced := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				referenced[id.Name] = true
			}
		}
		return true
	})
	localName := map[string]string{}
	for _, spec := range f.Imports {
		path := importPath(spec)
		if spec.Name != nil {
			localName[path] = spec.Name.Name
		} else {
			localName[path] = path[strings.LastIndex(path, "/")+1:]
		}
	}
	dropImports(f, func(path string) bool {
		return strings.HasPrefix(path, sdkServicePrefix) && !referenced[localName[path]]
	})
	f.Comments = nil // the file's comments are only its header; dropping them keeps positions sane
	write(file, fset, f)
	return kept, total
}
