module github.com/facenative/facenative/examples/go

go 1.19

require github.com/facenative/facenative/bindings/go v0.0.0

replace github.com/facenative/facenative/bindings/go => ../../bindings/go
