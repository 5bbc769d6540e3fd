package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/encoding/carecsv"
	"github.com/careweb/careweb/internal/encoding/fhir"
)

// importFormat holds the import flags that choose the input format and
// tune the FHIR mapping.
type importFormat struct {
	format    string // csv, fhir or auto
	sectorMap string
}

func (f *importFormat) register(fs *flagSet) {
	fs.string(&f.format, "format", "CAREWEB_IMPORT_FORMAT", "auto",
		"input format: csv, fhir, or auto (FHIR R4 when every PATH is a .json or .ndjson file, optionally .gz, or a directory of them)")
	fs.string(&f.sectorMap, "fhir-sector-map", "CAREWEB_FHIR_SECTOR_MAP", "",
		"FHIR: a CSV file with the header organisation,sector giving organisations (Organization/id, id, or system|value) their sectors")
}

// fhir decides whether paths are read as FHIR.
func (f *importFormat) fhir(paths []string) (bool, error) {
	switch strings.ToLower(f.format) {
	case "fhir":
		return true, nil
	case "csv":
		if f.sectorMap != "" {
			return false, usageError{"--fhir-sector-map applies to FHIR imports only"}
		}
		return false, nil
	case "auto":
	default:
		return false, usageError{fmt.Sprintf("--format %q: want csv, fhir or auto", f.format)}
	}
	var isFHIR, isCSV []string
	for _, p := range paths {
		if fhir.Holds(p) && !holdsCSV(p) {
			isFHIR = append(isFHIR, p)
		} else {
			isCSV = append(isCSV, p)
		}
	}
	if len(isFHIR) > 0 && len(isCSV) > 0 {
		return false, usageError{fmt.Sprintf("import: %s look like FHIR and %s like CSV: import them separately, or give --format",
			strings.Join(isFHIR, ", "), strings.Join(isCSV, ", "))}
	}
	if len(isCSV) > 0 && f.sectorMap != "" {
		return false, usageError{"--fhir-sector-map applies to FHIR imports only"}
	}
	return len(isFHIR) > 0, nil
}

// holdsCSV reports whether path is, or is a directory holding, a file of
// the CSV interchange format.
func holdsCSV(path string) bool {
	for _, name := range carecsv.Files {
		if strings.EqualFold(filepath.Base(path), name) {
			return true
		}
		if _, err := os.Stat(filepath.Join(path, name)); err == nil {
			return true
		}
	}
	return false
}

// runImportFHIR imports FHIR R4 files: read twice (an index of what
// references name, then the encounters and requests), streamed to the
// store as one atomic import (see fhir.Load).
func runImportFHIR(ctx context.Context, f importFormat, lf logFlags, sf storeFlags, quiet bool, batchSize int, paths []string, stdout, stderr io.Writer) error {
	srcs, err := fhir.PathSources(paths)
	if err != nil {
		return err
	}
	opt := fhir.Options{BatchSize: batchSize}
	if f.sectorMap != "" {
		file, err := os.Open(f.sectorMap)
		if err != nil {
			return usageError{fmt.Sprintf("--fhir-sector-map %s: cannot open the file", f.sectorMap)}
		}
		opt.Sectors, err = fhir.ReadSectorMap(f.sectorMap, file)
		file.Close()
		if err != nil {
			return err
		}
	}
	st, _, err := openForCommand(ctx, lf, sf, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	if !quiet {
		fmt.Fprintf(stderr, "careweb import: reading %d FHIR files\n", len(srcs))
	}
	opt.Progress = &fhir.Progress{}
	var prog *importProgress
	if !quiet {
		prog = startImportProgress(stderr, fhirProgress{opt.Progress}, importProgressEvery)
	}
	res, err := fhir.Load(ctx, st, srcs, opt)
	if prog != nil {
		prog.stop(err == nil)
	}
	// What was left out is worth knowing even when the import failed.
	reportFHIRSummary(stderr, res.Summary)
	if err != nil {
		return err
	}
	a, k := res.Applied, res.Kinds
	fmt.Fprintf(stdout, "careweb import: %d nodes (%d people, %d carers, %d professionals, %d organisations), %d relationships, %d contacts, %d referrals\n",
		a.Nodes, k[care.KindPerson], k[care.KindCarer], k[care.KindProfessional], k[care.KindOrganisation],
		a.Relationships, a.Contacts, a.Referrals)
	return nil
}

// reportFHIRSummary says on stderr what an import read but did not map.
// It names resources by file and id only: never a name or free text.
func reportFHIRSummary(w io.Writer, s fhir.Summary) {
	for _, sk := range s.Skipped {
		more := ""
		if sk.Count > len(sk.At) {
			more = ", …"
		}
		fmt.Fprintf(w, "careweb import: skipped %d: %s (%s%s)\n", sk.Count, sk.Reason, strings.Join(sk.At, ", "), more)
	}
	if s.Repeats > 0 {
		fmt.Fprintf(w, "careweb import: %d resources repeated (same type and id) were read once\n", s.Repeats)
	}
	if len(s.Ignored) > 0 {
		types := make([]string, 0, len(s.Ignored))
		total := 0
		for t, n := range s.Ignored {
			types = append(types, fmt.Sprintf("%s %d", t, n))
			total += n
		}
		sort.Strings(types)
		fmt.Fprintf(w, "careweb import: ignored %d resources of types CareWeb does not map: %s\n", total, strings.Join(types, ", "))
	}
}
