namespace ConnActors.Actors;
