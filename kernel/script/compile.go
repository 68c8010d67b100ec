package script

import (
	"github.com/dop251/goja"
	"github.com/dop251/goja/ast"
	"github.com/dop251/goja/parser"
)

// cellProgram is a cell compiled for one run.
type cellProgram struct {
	name string // the program's source name: "cell3#7", unique per run
	src  string
	prg  *goja.Program
}

// compileCell parses and compiles a cell as a global script (sloppy mode, like a
// browser console). Source maps are off: goja's default loader would read the file
// a `//# sourceMappingURL=` comment names.
//
// Top-level let, const and class declarations become var declarations, the way a
// REPL treats them: they persist for later cells like var and function
// declarations do, and re-running the cell does not fail with "Identifier 'x' has
// already been declared". The rewrite is on the AST, so positions do not move.
func compileCell(name, src string) (*cellProgram, error) {
	c := &cellProgram{name: name, src: src}
	prog, err := parser.ParseFile(nil, name, src, 0, parser.WithDisableSourceMaps)
	if err != nil {
		return nil, c.syntaxError(err)
	}
	hoistLexical(prog)
	c.prg, err = goja.CompileAST(prog, false)
	if err != nil {
		return nil, c.syntaxError(err)
	}
	return c, nil
}

// hoistLexical turns the top-level lexical declarations of prog into var
// declarations: `let x = 1` and `const x = 1` into `var x = 1`, `class C {}` into
// `var C = class C {}`.
func hoistLexical(prog *ast.Program) {
	for i, st := range prog.Body {
		var vs *ast.VariableStatement
		switch d := st.(type) {
		case *ast.LexicalDeclaration:
			vs = &ast.VariableStatement{Var: d.Idx, List: d.List}
		case *ast.ClassDeclaration:
			if d.Class == nil || d.Class.Name == nil {
				continue
			}
			vs = &ast.VariableStatement{Var: d.Class.Class, List: []*ast.Binding{{
				Target:      &ast.Identifier{Name: d.Class.Name.Name, Idx: d.Class.Name.Idx},
				Initializer: d.Class,
			}}}
		default:
			continue
		}
		prog.Body[i] = vs
		prog.DeclarationList = append(prog.DeclarationList, &ast.VariableDeclaration{Var: vs.Var, List: vs.List})
	}
}
