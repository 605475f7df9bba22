module github.com/facenative/facenative/bindings/go

go 1.19
